/**
 * The embedded DuckDB of `rtev sql`: loaded only when the command runs (it is a ~70 MB native package, an
 * optional dependency), with the export's four tables as views over a folder made by `rtev export`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ColumnSpec } from '../export/parquet.js';
import { TABLE_NAMES, type TableName } from '../export/schema.js';

export type DuckDB = typeof import('@duckdb/node-api');
export type Connection = import('@duckdb/node-api').DuckDBConnection;

/** The install command `rtev sql` names when DuckDB cannot be loaded. */
export const INSTALL = 'npm install @duckdb/node-api';

/**
 * DuckDB's Node package, or null: from rtev's own dependencies, else (as the single executable, which cannot
 * load packages itself) from the node_modules of the current folder.
 */
export async function loadDuckDB(): Promise<DuckDB | null> {
  try {
    return await import('@duckdb/node-api');
  } catch {
    try {
      return createRequire(join(process.cwd(), 'noop.js'))('@duckdb/node-api') as DuckDB;
    } catch {
      return null;
    }
  }
}

const DUCK_TYPES: Readonly<Record<ColumnSpec['type'], string>> = {
  string: 'VARCHAR', text: 'VARCHAR', json: 'JSON', int32: 'INTEGER', int64: 'BIGINT', double: 'DOUBLE',
  boolean: 'BOOLEAN', timestamp: 'TIMESTAMPTZ', list: 'VARCHAR[]',
};

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** How a table is stored in an export folder: which files, in which format, partitioned or not. */
export function tableFiles(dir: string, table: TableName): { glob: string; format: 'parquet' | 'jsonl'; hive: boolean } | null {
  const sub = join(dir, table);
  if (existsSync(sub)) {
    const dates = readdirSync(sub).filter((d) => d.includes('='));
    for (const format of ['parquet', 'jsonl'] as const) {
      if (dates.some((d) => readdirSync(join(sub, d)).some((f) => f.endsWith('.' + format)))) return { glob: join(sub, '*', `*.${format}`), format, hive: true };
    }
    return null;
  }
  for (const format of ['parquet', 'jsonl'] as const) {
    if (existsSync(join(dir, `${table}.${format}`))) return { glob: join(dir, `${table}*.${format}`), format, hive: false };
  }
  return null;
}

/**
 * The view of one table: `read_parquet` (Hive partitions add a `date` column), `read_json` with the documented
 * types for JSON lines, or an empty table of the documented columns when the folder has none of it.
 */
export function viewSql(dir: string, table: TableName, columns: readonly ColumnSpec[]): string {
  const f = tableFiles(dir, table);
  const name = quoteId(table);
  if (!f) return `CREATE TABLE ${name} (${columns.map((c) => `${quoteId(c.name)} ${DUCK_TYPES[c.type]}`).join(', ')})`;
  const hive = f.hive ? ', hive_partitioning = true' : '';
  if (f.format === 'parquet') return `CREATE VIEW ${name} AS SELECT * FROM read_parquet(${quoteStr(f.glob)}${hive})`;
  const cols = columns.map((c) => `${quoteStr(c.name)}: ${quoteStr(DUCK_TYPES[c.type])}`).join(', ');
  return `CREATE VIEW ${name} AS SELECT * FROM read_json(${quoteStr(f.glob)}, format = 'newline_delimited', columns = {${cols}}${hive})`;
}

/** Open an in-memory database with the four tables as views over an export folder; times in UTC. */
export async function openExport(duck: DuckDB, dir: string, columns: Readonly<Record<TableName, readonly ColumnSpec[]>>): Promise<Connection> {
  const db = await duck.DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  for (const t of TABLE_NAMES) await conn.run(viewSql(dir, t, columns[t]));
  return conn;
}
