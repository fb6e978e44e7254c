/**
 * Records the statements (SQL text and bound parameters) that code runs on a
 * better-sqlite3 database, so that a benchmark can time or EXPLAIN exactly what the real
 * code runs, without a copy of its SQL that could drift from it.
 */
import Database from 'better-sqlite3';
import type { SqliteDatabase } from '../sfu/src/storage/database.ts';

export interface CapturedStatement {
  sql: string;
  /** The arguments given to get/all/run/iterate, as given. */
  params: unknown[];
}

/** Statement methods that run the statement (the rest configure it: pluck, raw, expand…). */
const RUNNERS = new Set<PropertyKey>(['get', 'all', 'run', 'iterate']);

/**
 * Runs `run`, recording every statement prepared on any better-sqlite3 connection of this
 * process meanwhile (the real code opens its own connections) and run; results are
 * unchanged. Only for a moment of the process where nothing else uses the database.
 */
export async function captureStatements<T>(run: () => Promise<T> | T): Promise<{ result: T; statements: CapturedStatement[] }> {
  const statements: CapturedStatement[] = [];
  const recording = <S extends object>(target: S, sql: string): S => {
    const proxy: S = new Proxy(target, {
      get(statement, property) {
        const value: unknown = Reflect.get(statement, property, statement);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (RUNNERS.has(property)) statements.push({ sql, params: args });
          const result: unknown = value.apply(statement, args);
          // pluck(), raw() and friends return the statement itself: keep recording through them.
          return result === statement ? proxy : result;
        };
      },
    });
    return proxy;
  };
  const prototype = Database.prototype as { prepare: (this: SqliteDatabase, sql: string) => Database.Statement };
  const prepare = prototype.prepare;
  prototype.prepare = function (sql) {
    return recording(prepare.call(this, sql), sql);
  };
  try {
    return { result: await run(), statements };
  } finally {
    prototype.prepare = prepare;
  }
}

export interface QueryPlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** EXPLAIN QUERY PLAN rows as the sqlite3 shell draws them: one line per step, indented under its parent. */
export function formatQueryPlan(rows: QueryPlanRow[]): string[] {
  const depth = new Map<number, number>([[0, -1]]);
  return rows.map((row) => {
    const level = (depth.get(row.parent) ?? -1) + 1;
    depth.set(row.id, level);
    return `${'  '.repeat(level)}${row.detail}`;
  });
}

/** The plan SQLite chooses for a captured statement, with the same parameters. */
export function explainQueryPlan(db: SqliteDatabase, statement: CapturedStatement): string[] {
  return formatQueryPlan(db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as QueryPlanRow[]);
}
