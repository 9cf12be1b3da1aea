import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Value } from './columns.js';
import type { ColumnSpec } from './parquet.js';

/** A value as JSON: timestamps as ISO-8601 UTC, bytes as their UTF-8 text. */
function jsonValue(v: Value | undefined, c: ColumnSpec): unknown {
  if (v === null || v === undefined) return null;
  if (c.type === 'timestamp' && typeof v === 'number') return new Date(v).toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * A JSON column's text as it goes into a line: the JSON itself (an object in the line, not a string holding
 * one), re-serialised only when it spans lines (an event pretty-printed in a HAR or JSON array).
 */
function rawJson(v: string | Uint8Array): string {
  const s = typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
  return s.includes('\n') || s.includes('\r') ? JSON.stringify(JSON.parse(s)) : s;
}

/**
 * The same rows as a Parquet table, one JSON object per line (`--format jsonl`): the same keys, timestamps as
 * ISO-8601 text, JSON columns as JSON. Written as `.tmp`, then renamed.
 */
export class JsonlWriter {
  private readonly fd: number;
  private pending = '';
  private rows = 0;
  private closed = false;

  constructor(readonly path: string, private readonly columns: readonly ColumnSpec[]) {
    this.fd = openSync(path + '.tmp', 'w');
  }

  get count(): number {
    return this.rows;
  }

  write(row: readonly Value[]): void {
    let line = '{';
    this.columns.forEach((c, i) => {
      const v = row[i];
      const text = c.type === 'json' && (typeof v === 'string' || v instanceof Uint8Array) ? rawJson(v) : JSON.stringify(jsonValue(v, c));
      line += (i ? ',' : '') + JSON.stringify(c.name) + ':' + text;
    });
    this.pending += line + '}\n';
    this.rows++;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    renameSync(this.path + '.tmp', this.path);
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.path + '.tmp', { force: true });
  }

  private flush(): void {
    if (!this.pending) return;
    const b = Buffer.from(this.pending);
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, null);
    this.pending = '';
  }
}
