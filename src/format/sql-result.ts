/**
 * How `rtev sql` writes a result: a table for people (every value from a capture escaped, long values cut),
 * or JSON, JSON lines or CSV for programs. Values come from DuckDB's JSON conversion; whole numbers that it
 * gives as strings (BIGINT, HUGEINT, DECIMAL) become numbers when they fit exactly.
 */
import { escapeControls, safeStringify } from './escape.js';
import type { Palette } from './palette.js';

export type ResultFormat = 'table' | 'json' | 'jsonl' | 'csv';

/** DuckDB type ids (DuckDBTypeId) whose JSON form is a numeric string. */
const NUMERIC_STRINGS = new Set([5, 9, 16, 19, 32]);

/** One value as JSON: numeric strings of number columns as numbers when exact. */
function jsonValue(v: unknown, typeId: number): unknown {
  if (typeof v === 'string' && NUMERIC_STRINGS.has(typeId)) {
    const n = Number(v);
    if (Number.isFinite(n) && (typeId === 19 || Number.isSafeInteger(n))) return n;
  }
  return v;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV field on a terminal: every control character escaped (a CSV reader reads a pipe, not a terminal). */
const csvFieldOnTerminal = (v: unknown) =>
  csvField(v === null || v === undefined ? v : escapeControls(typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)));

/** Longest cell in the table; use --json or --csv for whole values. */
const MAX_CELL = 64;

function cell(v: unknown): string {
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const safe = escapeControls(s);
  return safe.length > MAX_CELL ? safe.slice(0, MAX_CELL - 1) + '…' : safe;
}

/** Writes rows as they come (the table waits for all of them, to size its columns). */
export class ResultWriter {
  private rows = 0;
  /** Cells of the table (null for SQL NULL). */
  private readonly table: (string | null)[][] = [];
  private readonly numeric: boolean[];
  private readonly csv: (v: unknown) => string;
  private readonly eol: string;

  constructor(
    private readonly format: ResultFormat,
    private readonly names: readonly string[],
    private readonly typeIds: readonly number[],
    private readonly write: (s: string) => void,
    private readonly palette: Palette,
    /** stdout is a terminal: CSV fields escaped, lines ended by \n alone. Into a pipe CSV is RFC 4180, raw. */
    tty = false,
  ) {
    this.numeric = typeIds.map((t) => NUMERIC_STRINGS.has(t) || [1, 2, 3, 4, 6, 7, 8, 10, 11].includes(t));
    this.csv = tty ? csvFieldOnTerminal : csvField;
    this.eol = tty ? '\n' : '\r\n';
    if (format === 'csv') write(names.map(this.csv).join(',') + this.eol);
    if (format === 'json') write('[');
  }

  add(row: readonly unknown[]): void {
    const f = this.format;
    if (f === 'table') {
      this.table.push(row.map((v) => (v === null || v === undefined ? null : cell(v))));
    } else if (f === 'csv') {
      this.write(row.map((v, i) => this.csv(jsonValue(v, this.typeIds[i]!))).join(',') + this.eol);
    } else {
      const o: Record<string, unknown> = Object.create(null);
      this.names.forEach((n, i) => (o[n] = jsonValue(row[i], this.typeIds[i]!)));
      const line = safeStringify(o);
      this.write(f === 'jsonl' ? line + '\n' : (this.rows ? ',\n' : '\n') + line);
    }
    this.rows++;
  }

  end(): void {
    if (this.format === 'json') this.write(this.rows ? '\n]\n' : ']\n');
    if (this.format !== 'table') return;
    const heads = this.names.map((n) => cell(n));
    const widths = heads.map((h) => h.length);
    for (const r of this.table) r.forEach((s, i) => (widths[i] = Math.max(widths[i]!, s === null ? 4 : s.length)));
    const pad = (s: string, i: number) => (this.numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
    this.write(this.palette.bold(heads.map(pad).join('  ').trimEnd()) + '\n');
    for (const r of this.table) this.write(r.map((s, i) => (s === null ? this.palette.dim(pad('NULL', i)) : pad(s, i))).join('  ').trimEnd() + '\n');
    this.write(this.palette.dim(`(${this.rows} row${this.rows === 1 ? '' : 's'})`) + '\n');
  }
}
