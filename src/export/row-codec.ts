/**
 * Table rows as bytes, for `export --jobs`: a worker thread reads a source and encodes the rows its exporter
 * writes; the main thread decodes them, in source order, into the one export folder. The folder sees the same
 * rows in the same order as from a single-threaded run, so it writes the same files, byte for byte.
 *
 * A row is its table, its date (the partition) and its values, each a tag byte and its bytes. A value equal to
 * the one above it in the same column (the session, the type, a response id in a run of deltas) is one byte;
 * the decoder gives back the same string object, which the dictionary columns find at once.
 */
import { Bytes, type Value } from './columns.js';
import type { RowSink } from './exporter.js';
import { TABLE_NAMES, type TableName } from './schema.js';

const NULL = 0, NUMBER = 1, TRUE = 2, FALSE = 3, UTF8 = 4, UTF16 = 5, BYTES = 6, LIST = 7, SAME = 8;
/** The date byte: the same as the row before's, none, or a string follows. */
const DATE_SAME = 0, DATE_NONE = 1, DATE_GIVEN = 2;

export class RowEncoder implements RowSink {
  private readonly out = new Bytes();
  private readonly above = new Map<TableName, readonly Value[]>();
  private date: string | null | undefined = undefined;

  write(table: TableName, date: string | null, row: readonly Value[]): void {
    const out = this.out;
    out.reserve(2);
    out.buf[out.len++] = TABLE_NAMES.indexOf(table);
    if (date === this.date) out.buf[out.len++] = DATE_SAME;
    else if (date === null) out.buf[out.len++] = DATE_NONE;
    else {
      out.buf[out.len++] = DATE_GIVEN;
      this.string(date);
    }
    this.date = date;
    const above = this.above.get(table);
    out.reserve(4);
    out.buf.writeUInt32LE(row.length, out.len);
    out.len += 4;
    for (let i = 0; i < row.length; i++) {
      const v = row[i] ?? null;
      // Strings, numbers and booleans equal to the value above: one byte (NaN and -0 are sent: Object.is).
      if (above !== undefined && v !== null && typeof v !== 'object' && Object.is(v, above[i])) {
        out.reserve(1);
        out.buf[out.len++] = SAME;
      } else this.value(v);
    }
    this.above.set(table, row);
  }

  /** The bytes so far (a copy: it crosses to the main thread), and a fresh start. */
  take(): Uint8Array {
    const b = Uint8Array.prototype.slice.call(this.out.view());
    this.out.len = 0;
    this.above.clear();
    this.date = undefined;
    return b;
  }

  private value(v: Value): void {
    const out = this.out;
    out.reserve(9);
    if (v === null) out.buf[out.len++] = NULL;
    else if (typeof v === 'number') {
      out.buf[out.len++] = NUMBER;
      out.buf.writeDoubleLE(v, out.len);
      out.len += 8;
    } else if (typeof v === 'boolean') out.buf[out.len++] = v ? TRUE : FALSE;
    else if (typeof v === 'string') this.string(v, true);
    else if (v instanceof Uint8Array) {
      out.buf[out.len++] = BYTES;
      out.addByteArray(v);
    } else {
      out.buf[out.len++] = LIST;
      out.buf.writeUInt32LE(v.length, out.len);
      out.len += 4;
      for (const s of v) this.string(String(s), true);
    }
  }

  /**
   * A string: UTF-8, or UTF-16 when it has a lone surrogate (which UTF-8 cannot carry: two different such
   * strings would arrive equal, and a dictionary would hold one where the single-threaded run holds two).
   */
  private string(s: string, tagged = false): void {
    const out = this.out;
    const wellFormed = (s as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !/[\uD800-\uDFFF]/.test(s);
    if (tagged) {
      out.reserve(1);
      out.buf[out.len++] = wellFormed ? UTF8 : UTF16;
    }
    if (wellFormed) {
      out.addByteArray(s);
    } else {
      out.addByteArray(Buffer.from(s, 'utf16le'));
    }
  }
}

/** Decodes rows encoded by RowEncoder into `sink`, in order. A row array is reused: the sink must not keep it. */
export function decodeRows(bytes: Uint8Array, sink: RowSink): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const above = new Map<number, Value[]>();
  let date: string | null = null;
  let at = 0;
  const len = () => {
    const n = b.readUInt32LE(at);
    at += 4;
    return n;
  };
  const utf8 = () => {
    const n = len();
    at += n;
    return b.toString('utf8', at - n, at);
  };
  const utf16 = () => {
    const n = len();
    at += n;
    return b.toString('utf16le', at - n, at);
  };
  while (at < b.length) {
    const t = b[at++]!;
    const d = b[at++]!;
    if (d === DATE_NONE) date = null;
    else if (d === DATE_GIVEN) date = utf8();
    const n = len();
    let row = above.get(t);
    if (row === undefined || row.length !== n) above.set(t, (row = new Array<Value>(n).fill(null)));
    for (let i = 0; i < n; i++) {
      const tag = b[at++]!;
      switch (tag) {
        case SAME: break; // the value above stays in place
        case NULL: row[i] = null; break;
        case NUMBER: row[i] = b.readDoubleLE(at); at += 8; break;
        case TRUE: row[i] = true; break;
        case FALSE: row[i] = false; break;
        case UTF8: row[i] = utf8(); break;
        case UTF16: row[i] = utf16(); break;
        case BYTES: { const k = len(); row[i] = b.subarray(at, at + k); at += k; break; }
        case LIST: {
          const k = len();
          const list: string[] = [];
          for (let j = 0; j < k; j++) list.push(b[at++] === UTF8 ? utf8() : utf16());
          row[i] = list;
          break;
        }
        default: throw new Error(`export: a row of table ${t} has an unknown value tag ${tag}`);
      }
    }
    sink.write(TABLE_NAMES[t]!, date, row);
  }
}
