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

/** The same rows as a Parquet table, one JSON object per line (`--format jsonl`); written as `.tmp`, then renamed. */
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
    const o: Record<string, unknown> = {};
    this.columns.forEach((c, i) => (o[c.name] = jsonValue(row[i], c)));
    this.pending += JSON.stringify(o) + '\n';
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
