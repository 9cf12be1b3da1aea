/**
 * A streaming Parquet file writer: rows go into column buffers (columns.ts); every `maxRows` rows or `maxBytes`
 * bytes they are encoded, compressed (Snappy) and written to disk as one row group, so memory stays flat
 * whatever the size of the table. The file is written as `<path>.tmp` and renamed when closed, so a reader
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
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { columnBuffer, type ColumnBuffer, type ColumnType, type Value } from './columns.js';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface ParquetOptions {
  /** Rows per row group at most (default 65,536). */
  maxRows?: number;
  /** Buffered bytes per row group at most (default 32 MiB). */
  maxBytes?: number;
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

  constructor(readonly path: string, private readonly columns: readonly ColumnSpec[], private readonly o: ParquetOptions = {}) {
    this.maxRows = o.maxRows ?? 65536;
    this.maxBytes = o.maxBytes ?? 32 << 20;
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
    const b = this.buffers;
    for (let i = 0; i < b.length; i++) b[i]!.add(row[i] ?? null);
    if (++this.rows >= this.maxRows || (this.rows & 255) === 0 && this.mustFlush()) this.flush();
  }

  /** Write the last row group and the footer; the file takes its name. */
  close(): void {
    if (this.closed) return;
    this.flush();
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

  private flush(): void {
    if (this.rows === 0) return;
    const start = this.offset;
    const chunks = this.columns.map((c, i) => this.chunk(c, this.buffers[i]!, this.rows));
    let uncompressed = 0n;
    for (const c of chunks) uncompressed += c.meta_data!.total_uncompressed_size;
    this.groups.push({
      columns: chunks, num_rows: BigInt(this.rows), total_byte_size: uncompressed,
      file_offset: BigInt(start), total_compressed_size: BigInt(this.offset - start),
    });
    this.total += this.rows;
    this.rows = 0;
    for (const b of this.buffers) b.reset();
  }

  /** One column chunk: a dictionary page when the column has one, then its data pages (v1), each Snappy-compressed. */
  private chunk(c: ColumnSpec, b: ColumnBuffer, rows: number) {
    const start = this.offset;
    let dictAt: bigint | undefined;
    let uncompressed = 0;
    const dict = b.dictionary();
    if (dict) {
      dictAt = BigInt(this.offset);
      uncompressed += this.page(dict.values, { type: 'DICTIONARY_PAGE', dictionary_page_header: { num_values: dict.count, encoding: 'PLAIN' } });
    }
    const dataAt = this.offset;
    const encoding = dict ? 'RLE_DICTIONARY' : 'PLAIN';
    let slots = 0;
    for (const p of b.pages(rows)) {
      slots += p.slots;
      uncompressed += this.page(p.body, {
        type: 'DATA_PAGE',
        data_page_header: { num_values: p.slots, encoding, definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
      });
    }
    return {
      file_offset: BigInt(start),
      meta_data: {
        type: physical(c.type), encodings: dict ? ['PLAIN', 'RLE', 'RLE_DICTIONARY'] : ['PLAIN', 'RLE'], codec: 'SNAPPY',
        path_in_schema: c.type === 'list' ? [c.name, 'list', 'element'] : [c.name],
        num_values: BigInt(slots),
        total_uncompressed_size: BigInt(uncompressed),
        total_compressed_size: BigInt(this.offset - start),
        data_page_offset: BigInt(dataAt),
        dictionary_page_offset: dictAt,
      },
    } as RowGroup['columns'][number];
  }

  /** Write one page: its header, then its bytes compressed. Returns its uncompressed size with the header. */
  private page(raw: Uint8Array, header: Omit<PageHeader, 'uncompressed_page_size' | 'compressed_page_size'>): number {
    const packed = snappyCompress(raw);
    const head = new ByteWriter(64);
    writePageHeader(head, { ...header, uncompressed_page_size: raw.length, compressed_page_size: packed.length } as PageHeader);
    this.put(head.getBytes());
    this.put(packed);
    return head.offset + raw.length;
  }

  private put(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, null);
    this.offset += bytes.length;
  }
}
