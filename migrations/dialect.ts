import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * The few places where a migration must say something differently on PostgreSQL than on SQLite.
 * Everything else is written once with Kysely's schema builder.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

type ColumnBuild = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

/** An auto-numbered primary key: SQLite's rowid alias, PostgreSQL's identity column. */
export function autoId(db: Kysely<any>): ['integer' | 'bigint', ColumnBuild] {
  return isPostgres(db)
    ? ['bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()]
    : ['integer', (c) => c.primaryKey().autoIncrement()];
}

/**
 * Unix milliseconds (and other numbers past 2^31): `bigint`. On SQLite the declared type only sets
 * the INTEGER affinity every integer column has, so this changes nothing for SQLite databases.
 */
export const MS = 'bigint' as const;

/**
 * Whether a table has a column (for a column that more than one migration may add: the first to
 * run adds it). Asks the catalog each database has: SQLite's table_info, PostgreSQL's
 * information_schema.
 */
export async function hasColumn(db: Kysely<any>, table: string, column: string): Promise<boolean> {
  const query = isPostgres(db)
    ? sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`
    : sql`select 1 from pragma_table_info(${table}) where name = ${column}`;
  return (await query.execute(db)).rows.length > 0;
}
