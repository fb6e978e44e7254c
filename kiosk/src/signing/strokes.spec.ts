import { describe, expect, it } from 'vitest';
import {
  type HandwritingGrid,
  type Stroke,
  gridFor,
  handwritingShortfall,
  inkBounds,
  inkedCellCount,
  isTriviallyShort,
  lineUpGridRows,
  strokesFromPointGroups,
  strokesToSvg,
  trivialSignatureReason,
} from './strokes.ts';

/** A stroke through the given points, 10 ms apart, at pressure 0.5. */
function stroke(...points: [number, number][]): Stroke {
  return points.map(([x, y], i) => ({ x, y, t: i * 10, pressure: 0.5 }));
}

/** A zigzag `width` wide and `height` tall with `turns` segments: a cursive-like single stroke. */
function zigzag(x0: number, y0: number, width: number, height: number, turns: number): Stroke {
  return stroke(...Array.from({ length: turns + 1 }, (_, i): [number, number] => [x0 + (width * i) / turns, y0 + (i % 2) * height]));
}

describe('strokesFromPointGroups', () => {
  it('keeps x, y, pressure and the time since the pad started, dropping empty groups', () => {
    const startedAt = 1_700_000_000_000;
    const groups = [
      { points: [{ x: 10.123, y: 20.456, time: startedAt + 1500, pressure: 0.5 }, { x: 11, y: 21, time: startedAt + 1516.4, pressure: 0.61 }] },
      { points: [] },
      { points: [{ x: 30, y: 40, time: startedAt - 5, pressure: 1.7 }] },
    ];
    expect(strokesFromPointGroups(groups, startedAt)).toEqual([
      [
        { x: 10.12, y: 20.46, t: 1500, pressure: 0.5 },
        { x: 11, y: 21, t: 1516, pressure: 0.61 },
      ],
      [{ x: 30, y: 40, t: 0, pressure: 1 }],
    ]);
  });

  it('records a missing pressure as 0', () => {
    expect(strokesFromPointGroups([{ points: [{ x: 1, y: 1, time: 0, pressure: Number.NaN }] }], 0)[0]![0]!.pressure).toBe(0);
  });
});

describe('trivialSignatureReason', () => {
  const cases: [string, Stroke[], ReturnType<typeof trivialSignatureReason>][] = [
    ['no strokes', [], 'empty'],
    ['a tap', [stroke([50, 50])], 'empty'],
    ['a short tick', [stroke([50, 50], [70, 60])], 'too-short'],
    ['a small scribble', [zigzag(50, 50, 40, 40, 8)], 'too-small'],
    ['a flat line', [stroke([20, 100], [320, 102])], 'too-flat'],
    ['one straight diagonal line', [stroke([20, 20], [220, 120])], 'single-simple-stroke'],
    ['one arc', [stroke([20, 100], [70, 40], [140, 20], [210, 40], [260, 100])], 'single-simple-stroke'],
    ['a cursive single stroke', [zigzag(20, 40, 240, 60, 10)], null],
    [
      'a wave of three periods',
      [stroke(...Array.from({ length: 41 }, (_, i): [number, number] => [100 + i * 12, 200 - Math.sin(i / 2) * 60]))],
      null,
    ],
    ['two strokes', [stroke([20, 40], [200, 50]), stroke([60, 20], [80, 90])], null],
    ['a Chinese name of many short strokes', Array.from({ length: 12 }, (_, i) => stroke([20 + i * 15, 30], [30 + i * 15, 80])), null],
  ];
  it.each(cases)('%s → %s', (_, strokes, reason) => {
    expect(trivialSignatureReason(strokes)).toBe(reason);
    expect(isTriviallyShort(strokes)).toBe(reason !== null);
  });
});

describe('strokesToSvg', () => {
  it('draws each stroke as a smoothed path and a lone point as a dot, in the pad frame', () => {
    const svg = strokesToSvg([stroke([0, 0], [10, 10], [20, 0]), stroke([5.555, 6])], { width: 300, height: 150 });
    expect(svg).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" viewBox="0 0 300 150">' +
        '<g fill="none" stroke="#1b1b1f" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">' +
        '<path d="M0 0Q10 10 15 5L20 0"/>' +
        '<circle cx="5.56" cy="6" r="1.25" fill="#1b1b1f"/>' +
        '</g></svg>',
    );
  });

  it('is an empty drawing for no strokes', () => {
    expect(strokesToSvg([], { width: 10, height: 10 })).not.toMatch(/<path|<circle/);
  });
});

describe('gridFor', () => {
  it.each([
    // cells, width → columns × rows, cell
    [18, 1800, { columns: 18, rows: 1, cellSize: 100 }],
    [18, 1200, { columns: 9, rows: 2, cellSize: 132 }],
    [18, 800, { columns: 9, rows: 2, cellSize: 88 }],
    [18, 500, { columns: 5, rows: 4, cellSize: 100 }],
    [4, 1800, { columns: 4, rows: 1, cellSize: 132 }],
    [30, 1000, { columns: 10, rows: 3, cellSize: 100 }],
  ])('%i cells in %i px', (cells, width, grid) => {
    expect(gridFor(cells, width)).toEqual(grid);
  });

  it('refuses a sentence without characters', () => {
    expect(() => gridFor(0, 1000)).toThrow(RangeError);
  });
});

describe('handwriting in the grid', () => {
  const grid: HandwritingGrid = { columns: 5, rows: 2, cellSize: 100 };
  /** A two-stroke "character" in cell (row, column). */
  const char = (row: number, column: number): Stroke[] => [
    stroke([column * 100 + 20, row * 100 + 30], [column * 100 + 80, row * 100 + 35]),
    stroke([column * 100 + 50, row * 100 + 15], [column * 100 + 48, row * 100 + 85]),
  ];

  it('counts the cells that hold writing', () => {
    const strokes = [...char(0, 0), ...char(0, 1), ...char(1, 4)];
    expect(inkedCellCount(strokes, grid)).toBe(3);
  });

  it('asks for the whole sentence until 60% of the cells hold writing', () => {
    const cells = [0, 1, 2, 3, 4, 5, 6].map((i) => char(Math.floor(i / 5), i % 5)).flat();
    expect(handwritingShortfall([], grid, 10)).toBe('empty');
    expect(handwritingShortfall(cells.slice(0, 10), grid, 10)).toBe('incomplete'); // 5 cells
    expect(handwritingShortfall(cells.slice(0, 12), grid, 10)).toBe(null); // 6 cells
  });

  it('lays the rows out as one line, keeping each stroke whole', () => {
    const strokes = [...char(0, 4), ...char(1, 0)];
    const line = lineUpGridRows(strokes, grid);
    // Row 0 stays; row 1 moves up one cell and right one row's width (500 px).
    expect(line[0]).toEqual(strokes[0]);
    expect(line[2]).toEqual(strokes[2]!.map((p) => ({ ...p, x: p.x + 500, y: p.y - 100 })));
    const bounds = inkBounds(line)!;
    expect(bounds.minY).toBeGreaterThanOrEqual(0);
    expect(bounds.maxY).toBeLessThanOrEqual(100);
    expect(bounds.maxX).toBeLessThanOrEqual(1000);
  });

  it('keeps a stroke that strays over a cell border with the row holding most of it', () => {
    const straying = stroke([120, 60], [130, 130]); // centre y 95: row 0
    expect(lineUpGridRows([straying], grid)[0]).toEqual(straying);
  });
});
