/**
 * The export's tables, each a list of columns: its name, its type, what it means, and how a row's value is
 * read from what the turn model (or the frame) gives. This one list drives the Parquet schema, the JSONL keys,
 * the DuckDB views and the README's schema tables, so they cannot drift apart. The names are stable: new
 * columns may be added, none renamed.
 */
import type { ColumnType, Value } from './columns.js';
import type { Cost, Usage } from '../session/types.js';

export type { ColumnType, Value } from './columns.js';

export interface Column<T> {
  readonly name: string;
  readonly type: ColumnType;
  readonly doc: string;
  of(x: T): Value;
}

export type TableName = 'events' | 'responses' | 'turns' | 'sessions';
export const TABLE_NAMES: readonly TableName[] = ['events', 'responses', 'turns', 'sessions'];

export interface Table<T> {
  readonly name: TableName;
  readonly doc: string;
  readonly columns: readonly Column<T>[];
}

/** Where a row belongs: every table's first column is `session_id`, then `source`. */
export interface SessionKey {
  /** Null until the session is known (its `session.created`, or enough frames without one). */
  id: string | null;
  readonly source: string;
}

/** Epoch milliseconds of an ISO time, or null. */
export function millis(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function sessionColumns<T extends { session: SessionKey }>(): Column<T>[] {
  return [
    { name: 'session_id', type: 'string', doc: "the `session.id` of `session.created` (GPT-Live: `session.started`); without one, `<source>#<line of the session's first frame>`", of: (x) => x.session.id },
    { name: 'source', type: 'string', doc: 'the capture file, as given (`stdin` for `-`)', of: (x) => x.session.source },
  ];
}

const USAGE_KEYS: readonly (keyof Usage)[] = [
  'input_tokens', 'output_tokens', 'total_tokens', 'input_text_tokens', 'input_audio_tokens', 'input_image_tokens',
  'cached_tokens', 'cached_text_tokens', 'cached_audio_tokens', 'cached_image_tokens', 'output_text_tokens',
  'output_audio_tokens', 'reasoning_tokens',
];

/** Every usage field, as a column of the same name; null when there is no usage. */
export function usageColumns<T>(get: (x: T) => Usage | null, what: string): Column<T>[] {
  return USAGE_KEYS.map((k) => ({ name: k, type: 'int64', doc: `\`usage.${k}\` ${what}`, of: (x: T) => get(x)?.[k] ?? null }));
}

const COST_KEYS: readonly (keyof Cost)[] = ['input_text', 'input_audio', 'input_image', 'cached', 'output_text', 'output_audio'];

/** The cost by kind of token, `cost_<kind>_usd`; null without a price. */
export function costColumns<T>(get: (x: T) => Cost | null): Column<T>[] {
  return COST_KEYS.map((k) => ({ name: `cost_${k}_usd`, type: 'double', doc: `the ${k.replace('_', ' ')} part of \`cost_usd\``, of: (x: T) => get(x)?.[k] ?? null }));
}
