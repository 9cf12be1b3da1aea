/**
 * A streaming Parquet file writer: rows go into column buffers (columns.ts); every `maxRows` rows or `maxBytes`
 * bytes they are laid out in pages, compressed (Snappy, by compress.ts) and written to disk as one row group, so
 * memory stays flat whatever the size of the table. The file is written as `<path>.tmp` and renamed when closed, so a reader
 * never sees half a file.
 *
 * The Parquet structures (Thrift page headers and footer) and the Snappy compressor are hyparquet-writer's;
 * columns.ts only lays values out fast, which the library's per-value path cannot do at the rate `rtev export`
 * needs (README, "Choices we made").
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { FileMetaData, PageHeader, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { columnBuffer, type ColumnBuffer, type ColumnType, type Value } from './columns.js';
import { inlineCompressor, type Compressor } from './compress.js';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ParquetOptions {
  /** Rows per row group at most (default 65,536). */
  maxRows?: number;
  /** Buffered bytes per row group at most (default 4 MiB: memory, not the engines reading the files, sets it). */
  maxBytes?: number;
  /** Who compresses the pages of a full row group (default: this thread); made on first use. */
  compressor?: () => Compressor;
  /** `created_by` in the footer. */
  createdBy?: string;
}

/** The schema elements of one column (a list is three). */
function schemaOf(c: ColumnSpec): SchemaElement[] {
  const name = c.name;
  const opt = 'OPTIONAL' as const;
  switch (c.type) {
    case 'string': case 'text': return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: opt }];
    case 'json': return [{ name, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' }, repetition_type: opt }];
    case 'int32': return [{ name, type: 'INT32', repetition_type: opt }];
    case 'int64': return [{ name, type: 'INT64', repetition_type: opt }];
    case 'double': return [{ name, type: 'DOUBLE', repetition_type: opt }];
    case 'boolean': return [{ name, type: 'BOOLEAN', repetition_type: opt }];
    case 'timestamp': return [{
      name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type: opt,
    }];
    case 'list': return [
      { name, converted_type: 'LIST', logical_type: { type: 'LIST' }, repetition_type: opt, num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'REQUIRED' },
    ];
  }
}

const physical = (t: ColumnType) => (t === 'int32' ? 'INT32' : t === 'double' ? 'DOUBLE' : t === 'boolean' ? 'BOOLEAN'
  : t === 'int64' || t === 'timestamp' ? 'INT64' : 'BYTE_ARRAY');

/** A page's copy, for the compressor (the column's buffers are reused for the next row group). */
function copyTo(c: Compressor, b: Uint8Array): Uint8Array {
  const out = c.buffer(b.length);
  out.set(b);
  return out;
}

/** A column chunk laid out, waiting for its pages to be compressed: how many pages, and their level slots. */
interface Chunk {
  column: ColumnSpec;
  dict: number | null;
  slots: number[];
}

export class ParquetWriter {
  private readonly fd: number;
  private readonly buffers: ColumnBuffer[];
  private readonly groups: RowGroup[] = [];
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private rows = 0;
  private total = 0;
  private offset = 0;
  private closed = false;
  /** Row groups are written in order, each once its pages are compressed. */
  private tail: Promise<void> = Promise.resolve();
  private error: Error | null = null;
  /** Compresses the last row group, and every one without a worker. */
  private readonly inline = inlineCompressor();

  constructor(readonly path: string, private readonly columns: readonly ColumnSpec[], private readonly o: ParquetOptions = {}) {
    this.maxRows = o.maxRows ?? 65536;
    this.maxBytes = o.maxBytes ?? 4 << 20;
    this.buffers = columns.map((c) => columnBuffer(c.type));
    this.fd = openSync(path + '.tmp', 'w');
    this.put(Buffer.from('PAR1'));
  }

  /** Rows written so far. */
  get count(): number {
    return this.total + this.rows;
  }

  /** One row: its values in the order of the columns. */
  write(row: readonly Value[]): void {
    if (this.error) throw this.error;
    const b = this.buffers;
    for (let i = 0; i < b.length; i++) b[i]!.add(row[i] ?? null);
    if (++this.rows >= this.maxRows || (this.rows & 255) === 0 && this.mustFlush()) this.flush(this.o.compressor?.() ?? this.inline);
  }

  /** Write the last row group (compressed here: nothing is left to overlap with) and the footer; the file takes its name. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush(this.inline);
    await this.tail;
    if (this.error) throw this.error;
    const schema: SchemaElement[] = [{ name: 'schema', num_children: this.columns.length }, ...this.columns.flatMap(schemaOf)];
    const meta: FileMetaData = {
      version: 1, schema, num_rows: BigInt(this.total), row_groups: this.groups, metadata_length: 0,
      created_by: this.o.createdBy ?? 'rtev',
    };
    delete (meta as { metadata_length?: number }).metadata_length;
    const w = new ByteWriter();
    writeMetadata(w, meta);
    w.appendUint32(0x31524150); // PAR1
    this.put(w.getBytes());
    closeSync(this.fd);
    this.closed = true;
    renameSync(this.path + '.tmp', this.path);
  }

  /** Give up: the partial file is removed. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.path + '.tmp', { force: true });
  }

  /** Checked every 256 rows: over the byte bound, or a dictionary is full (it takes at most 255 more values). */
  private mustFlush(): boolean {
    let n = 0;
    for (const b of this.buffers) {
      if (b.full) return true;
      n += b.size;
    }
    return n >= this.maxBytes;
  }

  /**
   * End the row group: lay out every column's pages (copies, as the buffers are reused), hand them to the
   * compressor, and queue the writing of the compressed pages after the row groups before.
   */
  private flush(compressor: Compressor): void {
    const rows = this.rows;
    if (rows === 0) return;
    const raw: Uint8Array[] = [];
    const chunks: Chunk[] = this.columns.map((column, i) => {
      const b = this.buffers[i]!;
      const d = b.dictionary();
      if (d) raw.push(copyTo(compressor, d.values));
      const slots: number[] = [];
      for (const p of b.pages(rows)) {
        raw.push(copyTo(compressor, p.body));
        slots.push(p.slots);
      }
      return { column, dict: d ? d.count : null, slots };
    });
    this.total += rows;
    this.rows = 0;
    for (const b of this.buffers) b.reset();
    const sizes = raw.map((r) => r.length); // before compress(): a worker takes the buffers over
    const packed = compressor.compress(raw);
    this.tail = this.tail.then(async () => {
      if (!this.error) this.writeGroup(chunks, sizes, await packed, rows);
    }).catch((e) => {
      this.error ??= e as Error;
    });
  }

  private writeGroup(chunks: Chunk[], sizes: number[], packed: Uint8Array[], rows: number): void {
    const start = this.offset;
    let k = 0;
    const columns = chunks.map((c) => this.chunk(c, () => [sizes[k]!, packed[k++]!]));
    let uncompressed = 0n;
    for (const c of columns) uncompressed += c.meta_data!.total_uncompressed_size;
    this.groups.push({
      columns, num_rows: BigInt(rows), total_byte_size: uncompressed,
      file_offset: BigInt(start), total_compressed_size: BigInt(this.offset - start),
    });
  }

  /** One column chunk: a dictionary page when the column has one, then its data pages (v1). */
  private chunk(c: Chunk, next: () => [number, Uint8Array]) {
    const start = this.offset;
    let dictAt: bigint | undefined;
    let uncompressed = 0;
    if (c.dict !== null) {
      dictAt = BigInt(this.offset);
      uncompressed += this.page(next(), { type: 'DICTIONARY_PAGE', dictionary_page_header: { num_values: c.dict, encoding: 'PLAIN' } });
    }
    const dataAt = this.offset;
    const encoding = c.dict !== null ? 'RLE_DICTIONARY' : 'PLAIN';
    for (const slots of c.slots) {
      uncompressed += this.page(next(), {
        type: 'DATA_PAGE',
        data_page_header: { num_values: slots, encoding, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
      });
    }
    const name = c.column.name;
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: physical(c.column.type), encodings: c.dict !== null ? ['PLAIN', 'RLE', 'RLE_DICTIONARY'] : ['PLAIN', 'RLE'], codec: 'SNAPPY',
        path_in_schema: c.column.type === 'list' ? [name, 'list', 'element'] : [name],
        num_values: BigInt(c.slots.reduce((a, n) => a + n, 0)),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(this.offset - start),
        data_page_offset: BigInt(dataAt),
        dictionary_page_offset: dictAt,
      },
    } as RowGroup['columns'][number];
  }

  /** Write one compressed page after its header. Returns its uncompressed size with the header. */
  private page([size, packed]: [number, Uint8Array], header: Omit<PageHeader, 'uncompressed_page_size' | 'compressed_page_size'>): number {
    const head = new ByteWriter(64);
    writePageHeader(head, { ...header, uncompressed_page_size: size, compressed_page_size: packed.length } as PageHeader);
    this.put(head.getBytes());
    this.put(packed);
    return head.offset + size;
  }

  private put(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, null);
    this.offset += bytes.length;
  }
}
