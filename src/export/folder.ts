/**
 * The export folder: where each table's rows go. Plain, a table is one file, `DIR/<table>.parquet` (a later
 * `--append` adds `DIR/<table>-2.parquet`, …). Partitioned by date, Hive style, it is
 * `DIR/<table>/date=YYYY-MM-DD/part-N.parquet` (`date=__HIVE_DEFAULT_PARTITION__` for sessions without
 * timestamps), the layout Spark, Trino, DuckDB and BigQuery read from object storage. A folder that already
 * holds tables is refused unless the run says `--force` (replace them) or `--append` (add part files).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Value } from './columns.js';
import { JsonlWriter } from './jsonl.js';
import { makeCompressor, type Compressor } from './compress.js';
import { ParquetWriter, type ColumnSpec, type ParquetOptions } from './parquet.js';
import { TABLE_NAMES, type TableName } from './schema.js';

export type Format = 'parquet' | 'jsonl';
export type Mode = 'new' | 'force' | 'append';

export interface FolderOptions {
  dir: string;
  format: Format;
  partition: boolean;
  mode: Mode;
  columns: Readonly<Record<TableName, readonly ColumnSpec[]>>;
  parquet?: ParquetOptions;
}

interface TableWriter {
  readonly path: string;
  readonly count: number;
  write(row: readonly Value[]): void;
  close(): void | Promise<void>;
  abort(): void;
}

/** The Hive partition of a session without timestamps. */
export const NO_DATE = '__HIVE_DEFAULT_PARTITION__';
/** Partitions open at once per table; beyond it the one opened first is closed (a later row of it opens a new part). */
const MAX_OPEN = 4;

const TABLE_FILE = /^(events|responses|turns|sessions)(?:-(\d+))?\.(parquet|jsonl)$/;

/** What a folder already holds: plain table files, partitioned table folders, and in which format. */
export function existingTables(dir: string): { plain: string[]; partitioned: string[]; formats: Set<string> } {
  const out = { plain: [] as string[], partitioned: [] as string[], formats: new Set<string>() };
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const m = TABLE_FILE.exec(e.name);
    if (m && e.isFile()) {
      out.plain.push(e.name);
      out.formats.add(m[3]!);
    } else if (e.isDirectory() && (TABLE_NAMES as readonly string[]).includes(e.name)) {
      out.partitioned.push(e.name);
      for (const f of walk(join(dir, e.name))) if (/\.(parquet|jsonl)$/.test(f)) out.formats.add(f.slice(f.lastIndexOf('.') + 1));
    }
  }
  return out;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* walk(join(dir, e.name));
    else yield e.name;
  }
}

/** Why the folder cannot take this run, or null. */
export function refusal(o: FolderOptions): string | null {
  if (existsSync(o.dir) && !statSync(o.dir).isDirectory()) return `${o.dir}: not a folder`;
  const have = existingTables(o.dir);
  const names = [...have.plain, ...have.partitioned.map((d) => d + '/')];
  if (!names.length || o.mode === 'force') return null;
  if (o.mode === 'new') return `${o.dir} already holds tables (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}): --append adds to them, --force replaces them`;
  if (o.partition && have.plain.length) return `--append: ${o.dir} holds a plain export; append to it without --partition`;
  if (!o.partition && have.partitioned.length) return `--append: ${o.dir} holds a partitioned export; append to it with --partition date`;
  if (!have.formats.has(o.format)) return `--append: ${o.dir} holds ${[...have.formats].join(', ')} tables, not ${o.format}`;
  return null;
}

export class ExportFolder {
  private readonly open = new Map<TableName, Map<string, TableWriter>>();
  /** The files written, per table. */
  readonly files: Record<TableName, string[]> = { events: [], responses: [], turns: [], sessions: [] };
  readonly rows: Record<TableName, number> = { events: 0, responses: 0, turns: 0, sessions: 0 };
  /** Made when a first row group fills up: small exports never start a worker. */
  private compressor: Compressor | null = null;
  /** Files closed to make room for other partitions, still being written. */
  private closing: Promise<void>[] = [];

  constructor(private readonly o: FolderOptions) {
    if (o.mode === 'force') {
      const have = existingTables(o.dir);
      for (const name of [...have.plain, ...have.partitioned]) rmSync(join(o.dir, name), { recursive: true, force: true });
    }
    mkdirSync(o.dir, { recursive: true });
    for (const t of TABLE_NAMES) this.open.set(t, new Map());
    // A plain export has all four tables, even empty ones, so that every table can be read.
    if (!o.partition) for (const t of TABLE_NAMES) this.writer(t, '');
  }

  write(table: TableName, date: string | null, row: readonly Value[]): void {
    this.writer(table, this.o.partition ? date ?? NO_DATE : '').write(row);
    this.rows[table]++;
  }

  /** Wait while a row group is still being compressed: memory stays bounded however fast frames come. */
  async drain(): Promise<void> {
    await this.compressor?.wait(1);
  }

  /** Close every file. */
  async close(): Promise<void> {
    for (const [table, m] of this.open) for (const w of m.values()) this.finish(table, w);
    this.open.clear();
    try {
      await Promise.all(this.closing);
    } finally {
      await this.compressor?.close();
    }
  }

  /** Remove what this run wrote so far (the files it finished stay). */
  async abort(): Promise<void> {
    for (const m of this.open.values()) for (const w of m.values()) w.abort();
    this.open.clear();
    await Promise.allSettled(this.closing);
    await this.compressor?.close();
  }

  private finish(table: TableName, w: TableWriter): void {
    this.closing.push(Promise.resolve(w.close()));
    this.files[table].push(w.path);
  }

  private writer(table: TableName, date: string): TableWriter {
    const open = this.open.get(table)!;
    let w = open.get(date);
    if (w) return w;
    if (open.size >= MAX_OPEN) {
      const [oldest, ow] = open.entries().next().value!;
      open.delete(oldest);
      this.finish(table, ow);
    }
    const path = this.o.partition ? this.partPath(table, date) : this.plainPath(table);
    const cols = this.o.columns[table];
    const compressor = () => (this.compressor ??= makeCompressor());
    w = this.o.format === 'parquet' ? new ParquetWriter(path, cols, { ...this.o.parquet, compressor }) : new JsonlWriter(path, cols);
    open.set(date, w);
    return w;
  }

  private plainPath(table: TableName): string {
    const ext = this.o.format;
    let n = 1;
    for (const f of readdirSync(this.o.dir)) {
      const m = TABLE_FILE.exec(f);
      if (m && m[1] === table) n = Math.max(n, m[2] ? Number(m[2]) : 1);
    }
    const first = join(this.o.dir, `${table}.${ext}`);
    return existsSync(first) ? join(this.o.dir, `${table}-${n + 1}.${ext}`) : first;
  }

  private partPath(table: TableName, date: string): string {
    const dir = join(this.o.dir, table, `date=${date}`);
    mkdirSync(dir, { recursive: true });
    let n = 0;
    for (const f of readdirSync(dir)) {
      const m = /^part-(\d+)\./.exec(f);
      if (m) n = Math.max(n, Number(m[1]) + 1);
    }
    return join(dir, `part-${n}.${this.o.format}`);
  }
}
