/** The README's schema tables, made from the tables themselves (a test checks the README holds them). */
import type { ColumnType } from './columns.js';
import { EVENTS } from './events-table.js';
import { RESPONSES } from './responses-table.js';
import type { Table } from './schema.js';
import { SESSIONS } from './sessions-table.js';
import { TURNS } from './turns-table.js';

const PARQUET: Readonly<Record<ColumnType, string>> = {
  string: 'STRING', text: 'STRING', json: 'JSON', int32: 'INT32', int64: 'INT64', double: 'DOUBLE', boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP(ms, UTC)', list: 'LIST<STRING>',
};

export function schemaMarkdown(t: Table<any>): string {
  const rows = t.columns.map((c) => `| \`${c.name}\` | ${PARQUET[c.type]} | ${c.doc.replace(/\|/g, '\\|')} |`);
  return [`**\`${t.name}\`**: ${t.doc}.`, '', '| column | type | meaning |', '|---|---|---|', ...rows].join('\n');
}

export const SCHEMA_TABLES = [EVENTS, RESPONSES, TURNS, SESSIONS] as const;
