import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * "One of these columns contains `q`", ignoring case, written the same for SQLite and PostgreSQL
 * (lower() on both sides; `%`, `_` and `\` in `q` match themselves).
 */
export function containsText(columns: string[], q: string): Expression<SqlBool> {
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const parts = columns.map((c) => sql<SqlBool>`lower(${sql.ref(c)}) LIKE ${pattern} ESCAPE '\\'`);
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}
