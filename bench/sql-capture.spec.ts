import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureStatements, explainQueryPlan, formatQueryPlan } from './sql-capture.ts';

describe('captureStatements', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX t_name ON t (name);');
    db.prepare('INSERT INTO t (name) VALUES (?), (?)').run('a', 'b');
  });
  afterEach(() => db.close());

  it('records the SQL and parameters of statements run meanwhile, through pluck() and the like, and returns their results', async () => {
    const captured = await captureStatements(async () => [
      db.prepare('SELECT COUNT(*) FROM t WHERE name = @name').pluck().get({ name: 'a' }),
      db.prepare('SELECT name FROM t ORDER BY id').all(),
    ]);
    expect(captured.result).toEqual([1, [{ name: 'a' }, { name: 'b' }]]);
    expect(captured.statements).toEqual([
      { sql: 'SELECT COUNT(*) FROM t WHERE name = @name', params: [{ name: 'a' }] },
      { sql: 'SELECT name FROM t ORDER BY id', params: [] },
    ]);
    // Only while it runs.
    db.prepare('SELECT 1').get();
    expect(captured.statements).toHaveLength(2);
  });

  it('stops recording when the run fails', async () => {
    const prepare = Database.prototype.prepare;
    await expect(captureStatements(() => db.prepare('SELECT missing_column FROM t').all())).rejects.toThrow(/no such column/);
    expect(Database.prototype.prepare).toBe(prepare);
    expect((await captureStatements(() => 1)).statements).toEqual([]);
  });

  it('explains a captured statement with its parameters', async () => {
    const { statements } = await captureStatements(() => db.prepare('SELECT id FROM t WHERE name = ?').all('b'));
    expect(explainQueryPlan(db, statements[0]!).join('\n')).toMatch(/USING (COVERING )?INDEX t_name/);
  });
});

describe('formatQueryPlan', () => {
  it('indents each step under its parent', () => {
    const rows = [
      { id: 2, parent: 0, detail: 'SCAN s USING INDEX x' },
      { id: 5, parent: 0, detail: 'CORRELATED SCALAR SUBQUERY 1' },
      { id: 9, parent: 5, detail: 'SEARCH d USING INDEX y (session_id=?)' },
    ];
    expect(formatQueryPlan(rows)).toEqual(['SCAN s USING INDEX x', 'CORRELATED SCALAR SUBQUERY 1', '  SEARCH d USING INDEX y (session_id=?)']);
  });
});
