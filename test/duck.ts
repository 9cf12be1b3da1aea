// DuckDB for the tests: read back what rtev wrote, with an engine rtev did not write.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** DuckDB type ids whose JSON form is a numeric string (BIGINT, UBIGINT, HUGEINT, DECIMAL, UHUGEINT). */
const NUMERIC_STRINGS = new Set([5, 9, 16, 19, 32]);

export interface Duck {
  /** Rows as objects; whole numbers as numbers, timestamps as DuckDB prints them. */
  rows(sql: string): Promise<Record<string, any>[]>;
  /** Column name → DuckDB type name, of a table or query. */
  types(relation: string): Promise<Record<string, string>>;
  close(): void;
}

export async function duck(): Promise<Duck> {
  const db = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await db.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return {
    async rows(sql) {
      const r = await conn.runAndReadAll(sql);
      const ids = r.columnTypes().map((t) => t.typeId as number);
      const names = r.columnNames();
      return r.getRowsJson().map((row) => Object.fromEntries(row.map((v, i) => [names[i], NUMERIC_STRINGS.has(ids[i]!) && v !== null ? Number(v) : v])));
    },
    async types(relation) {
      const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
      return Object.fromEntries(r.getRowObjectsJson().map((o) => [o.column_name as string, o.column_type as string]));
    },
    close() {
      conn.closeSync();
      db.closeSync();
    },
  };
}
