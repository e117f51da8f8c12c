import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { DbOrTrx } from './db-types.js';

/** Where a named parameter goes in a query built once (stands in for the value while it is built). */
class Slot {
  constructor(readonly name: string) {}
}

/** Hands out the stand-in of a named parameter, typed as the value it stands for. */
export type Slots<P> = <K extends keyof P & string>(name: K) => P[K];

export interface CompiledOnce<P, R = unknown> {
  /** Runs the query with these parameters on the database or in a transaction. */
  run(db: DbOrTrx, params: P): Promise<QueryResult<R>>;
}

/**
 * A query whose shape never changes, built and compiled by Kysely once per dialect and then run
 * with new parameters. Kysely builds and compiles every query it runs afresh (10 to 20 µs a query
 * here), though the SQL of a shape is always the same; the hot paths (a send writes six or seven
 * statements) use this instead.
 *
 * `build` gets `$`, which stands in for a named parameter: use `$('name')` only where a value is
 * bound (a column value, a comparison's right side, a `sql` template's argument), never in logic
 * that decides the query's shape (a branch on it would be taken once, for every later run).
 * Queries of a few shapes are one `compiledOnce` each. A parameter given as `undefined` is bound
 * as NULL.
 */
export function compiledOnce<P extends object, R = unknown>(build: (db: DbOrTrx, $: Slots<P>) => Compilable<R>): CompiledOnce<P, R> {
  // One compiled query per dialect (its adapter's class): SQLite's and PostgreSQL's SQL differ.
  const byDialect = new Map<unknown, CompiledQuery<R>>();
  const $ = ((name: string) => new Slot(name)) as unknown as Slots<P>;
  return {
    run(db, params) {
      const dialect = db.getExecutor().adapter.constructor;
      let compiled = byDialect.get(dialect);
      if (!compiled) {
        compiled = build(db, $).compile();
        byDialect.set(dialect, compiled);
      }
      const values = params as Record<string, unknown>;
      const parameters = compiled.parameters.map((p) => (p instanceof Slot ? (values[p.name] ?? null) : p));
      return db.executeQuery<R>({ ...compiled, parameters });
    },
  };
}
