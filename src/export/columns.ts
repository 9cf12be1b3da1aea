/**
 * Column buffers for one row group of a Parquet file: values are appended row by row into flat, growable
 * typed arrays and byte buffers (no object per value), then laid out page by page (about PAGE_BYTES each) as
 * data page v1 bodies: repetition and definition levels (bit-packed), then the values, PLAIN or as dictionary
 * indexes. One class per physical layout; the buffers are kept from one row group to the next.
 */

/**
 * A column's type: the Parquet type it is written as (README, "rtev export": the schemas). `string` and `text`
 * are both UTF-8 strings: `string` for values that repeat (dictionary-encoded), `text` for values that do not.
 */
export type ColumnType = 'string' | 'text' | 'json' | 'int32' | 'int64' | 'double' | 'boolean' | 'timestamp' | 'list';

/** A value as a row carries it: strings may come as UTF-8 bytes; timestamps as epoch milliseconds. */
export type Value = string | Uint8Array | number | boolean | readonly string[] | null;

/** The body of one data page, and how many level slots (values and nulls) it holds. */
export interface PageBody {
  slots: number;
  body: Uint8Array;
}

export interface ColumnBuffer {
  add(v: Value): void;
  /** Bytes held, to bound a row group by size. */
  readonly size: number;
  /** The row group must end now (a dictionary is full). */
  readonly full: boolean;
  /** The dictionary page's values (PLAIN), when the column is dictionary-encoded and has values. */
  dictionary(): { values: Uint8Array; count: number } | null;
  /** The pages of the row group's `rows` rows, each about PAGE_BYTES. A body is valid until the next one. */
  pages(rows: number): Generator<PageBody>;
  reset(): void;
}

/** The target size of a page's values. */
export const PAGE_BYTES = 1 << 20;

/** A growable byte buffer. */
export class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  len = 0;

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** A PLAIN byte array: 4-byte little-endian length, then the bytes. */
  addByteArray(v: string | Uint8Array): void {
    if (typeof v === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit; measure exactly only when that bound does not fit.
      this.reserve(4 + (v.length * 3 <= 1 << 16 ? v.length * 3 : Buffer.byteLength(v)));
      const n = this.buf.write(v, this.len + 4, 'utf8');
      this.buf.writeUInt32LE(n, this.len);
      this.len += 4 + n;
    } else {
      this.reserve(4 + v.length);
      this.buf.writeUInt32LE(v.length, this.len);
      this.buf.set(v, this.len + 4);
      this.len += 4 + v.length;
    }
  }

  append(b: Uint8Array, start = 0, end = b.length): void {
    this.reserve(end - start);
    this.buf.set(b.subarray(start, end), this.len);
    this.len += end - start;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** A growable array of small numbers (levels, bits, dictionary indexes). */
class Ints<A extends Uint8Array | Int32Array> {
  n = 0;
  constructor(public a: A) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const next = new (this.a.constructor as { new (n: number): A })(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.n++] = v;
  }
}

const u8 = () => new Ints(new Uint8Array(1024));

/**
 * Values as the RLE/bit-packed hybrid, all bit-packed: one run of groups of 8, least significant bit first
 * (the Parquet spec's encoding of levels and dictionary indexes). `width` is at most 16.
 */
function bitPack(w: Bytes, values: ArrayLike<number>, from: number, to: number, width: number): void {
  const n = to - from;
  const groups = (n + 7) >> 3;
  // Header: a varint of (groups << 1) | 1.
  let h = (groups << 1) | 1;
  w.reserve(5 + groups * width);
  while (h >= 0x80) {
    w.buf[w.len++] = (h & 0x7f) | 0x80;
    h >>>= 7;
  }
  w.buf[w.len++] = h;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < groups * 8; i++) {
    acc |= (i < n ? values[from + i]! : 0) << bits;
    bits += width;
    while (bits >= 8) {
      w.buf[w.len++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
}

/** `count` times `value` as one RLE run of the hybrid encoding: a varint of (count << 1), then the value in (width + 7) >> 3 bytes. */
function rleRun(w: Bytes, count: number, value: number, width: number): void {
  let h = count << 1;
  w.reserve(10);
  while (h >= 0x80) {
    w.buf[w.len++] = (h & 0x7f) | 0x80;
    h >>>= 7;
  }
  w.buf[w.len++] = h;
  for (let b = 0; b < (width + 7) >> 3; b++) w.buf[w.len++] = (value >>> (8 * b)) & 0xff;
}

/**
 * Levels of a data page v1: their byte length (4 bytes, little-endian), then the hybrid encoding. `same` says
 * that every level is `values[from]` (a column without nulls, or only nulls): one RLE run, a few bytes whatever
 * the page's length, instead of a bit per value.
 */
function levels(w: Bytes, values: ArrayLike<number>, from: number, to: number, width: number, same = false): void {
  const at = w.len;
  w.reserve(4);
  w.len += 4;
  if (same && to > from) {
    rleRun(w, to - from, values[from]!, width);
  } else {
    bitPack(w, values, from, to, width);
  }
  w.buf.writeUInt32LE(w.len - at - 4, at);
}

/** Rows per page for a column holding `bytes` over `rows` rows. */
const rowsPerPage = (rows: number, bytes: number) => Math.max(64, Math.floor((rows * PAGE_BYTES) / Math.max(1, bytes)));

/**
 * A flat optional column: definition level 1 for a value, 0 for null. Subclasses keep the values and write a
 * page's worth of them.
 */
abstract class FlatColumn implements ColumnBuffer {
  protected readonly def = u8();
  protected readonly page = new Bytes();

  get full(): boolean {
    return false;
  }

  abstract add(v: Value): void;
  abstract get size(): number;
  /** Write values [from, to) (counted among the non-null values) into the page. */
  protected abstract values(w: Bytes, from: number, to: number): void;
  protected abstract clear(): void;

  dictionary(): { values: Uint8Array; count: number } | null {
    return null;
  }

  *pages(rows: number): Generator<PageBody> {
    const per = rowsPerPage(rows, this.size);
    const def = this.def.a;
    let v = 0;
    for (let r = 0; r < rows; r += per) {
      const end = Math.min(rows, r + per);
      let k = 0;
      for (let i = r; i < end; i++) k += def[i]!;
      this.page.len = 0;
      levels(this.page, def, r, end, 1, k === 0 || k === end - r);
      this.values(this.page, v, v + k);
      v += k;
      yield { slots: end - r, body: this.page.view() };
    }
  }

  reset(): void {
    this.def.n = 0;
    this.clear();
  }
}

/** INT32, INT64, DOUBLE, TIMESTAMP(ms): numbers kept as doubles (exact up to 2^53), written in their width. */
class NumberColumn extends FlatColumn {
  private vals = new Float64Array(1024);
  private k = 0;

  constructor(private readonly width: 'int32' | 'int64' | 'double') {
    super();
  }

  add(v: Value): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.def.push(0);
      return;
    }
    this.def.push(1);
    if (this.k === this.vals.length) {
      const next = new Float64Array(this.vals.length * 2);
      next.set(this.vals);
      this.vals = next;
    }
    this.vals[this.k++] = v;
  }

  get size(): number {
    return this.k * (this.width === 'int32' ? 4 : 8);
  }

  protected values(w: Bytes, from: number, to: number): void {
    const vals = this.vals;
    if (this.width === 'double') {
      w.append(new Uint8Array(vals.buffer, from * 8, (to - from) * 8));
    } else if (this.width === 'int32') {
      w.reserve((to - from) * 4);
      for (let i = from; i < to; i++, w.len += 4) w.buf.writeInt32LE(vals[i]! | 0, w.len);
    } else {
      // Two 32-bit halves (little-endian): no BigInt per value.
      w.reserve((to - from) * 8);
      for (let i = from; i < to; i++, w.len += 8) {
        const x = Math.trunc(vals[i]!);
        w.buf.writeInt32LE(x % 4294967296 | 0, w.len);
        w.buf.writeInt32LE(Math.floor(x / 4294967296) | 0, w.len + 4);
      }
    }
  }

  protected clear(): void {
    this.k = 0;
  }
}

class BooleanColumn extends FlatColumn {
  private readonly bits = u8();

  add(v: Value): void {
    if (typeof v !== 'boolean') {
      this.def.push(0);
      return;
    }
    this.def.push(1);
    this.bits.push(v ? 1 : 0);
  }

  get size(): number {
    return this.bits.n >> 3;
  }

  /** PLAIN booleans: one bit each, least significant first. */
  protected values(w: Bytes, from: number, to: number): void {
    const n = (to - from + 7) >> 3;
    w.reserve(n);
    w.buf.fill(0, w.len, w.len + n);
    for (let i = from; i < to; i++) if (this.bits.a[i]) w.buf[w.len + ((i - from) >> 3)]! |= 1 << ((i - from) & 7);
    w.len += n;
  }

  protected clear(): void {
    this.bits.n = 0;
  }
}

/** Strings with many distinct values (ids, JSON, text): PLAIN. */
class StringColumn extends FlatColumn {
  private readonly bytes = new Bytes();
  /** Where the next page's values start, in bytes (pages are written in order). */
  private cursor = 0;

  add(v: Value): void {
    if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
      this.def.push(0);
      return;
    }
    this.def.push(1);
    this.bytes.addByteArray(v);
  }

  get size(): number {
    return this.bytes.len;
  }

  *pages(rows: number): Generator<PageBody> {
    this.cursor = 0;
    yield* super.pages(rows);
  }

  protected values(w: Bytes, from: number, to: number): void {
    const b = this.bytes.buf;
    let end = this.cursor;
    for (let i = from; i < to; i++) end += 4 + b.readUInt32LE(end);
    w.append(b, this.cursor, end);
    this.cursor = end;
  }

  protected clear(): void {
    this.bytes.len = 0;
  }
}

/** Distinct values a dictionary holds at most before its row group ends. */
const MAX_DICT = 1 << 15;
const MAX_DICT_BYTES = 4 << 20;

/**
 * Strings that repeat (types, directions, sessions, response ids): dictionary-encoded. A row costs a map
 * look-up and an index, and the file stores each distinct value once per row group.
 */
class DictColumn extends FlatColumn {
  private readonly ids = new Map<string, number>();
  private readonly dict = new Bytes();
  private readonly idx = new Ints(new Int32Array(1024));
  /** The value added last and its index: rows come in runs (a type, a session, a response's deltas). */
  private last: string | null = null;
  private lastIndex = 0;

  add(v: Value): void {
    if (typeof v !== 'string') {
      if (!(v instanceof Uint8Array)) {
        this.def.push(0);
        return;
      }
      v = Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
    }
    this.def.push(1);
    if (v === this.last) {
      this.idx.push(this.lastIndex);
      return;
    }
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(v, i);
      this.dict.addByteArray(v);
    }
    this.last = v;
    this.lastIndex = i;
    this.idx.push(i);
  }

  override get full(): boolean {
    return this.ids.size >= MAX_DICT || this.dict.len >= MAX_DICT_BYTES;
  }

  get size(): number {
    return this.idx.n * 2;
  }

  override dictionary(): { values: Uint8Array; count: number } | null {
    return this.ids.size ? { values: this.dict.view(), count: this.ids.size } : null;
  }

  /** The bit width of the indexes, then the indexes (RLE_DICTIONARY). A page of nulls only has no values. */
  protected values(w: Bytes, from: number, to: number): void {
    if (from === to) return;
    const width = Math.max(1, Math.ceil(Math.log2(this.ids.size)));
    w.reserve(1);
    w.buf[w.len++] = width;
    const idx = this.idx.a;
    const first = idx[from]!;
    let i = from + 1;
    while (i < to && idx[i] === first) i++;
    // One value all through the page (a session, a source): one RLE run.
    if (i < to) bitPack(w, idx, from, to, width);
    else rleRun(w, to - from, first, width);
  }

  protected clear(): void {
    this.last = null;
    this.ids.clear();
    this.dict.len = 0;
    this.idx.n = 0;
  }
}

/**
 * A list of strings, as the three-level LIST of the Parquet spec: `optional group (LIST) { repeated group list
 * { required binary element (UTF8) } }`. Levels per slot: null list def 0; empty list def 1; an element def 2,
 * repetition 0 for a list's first element and 1 for the others. A row is never split across pages.
 */
class ListColumn implements ColumnBuffer {
  private readonly bytes = new Bytes();
  private readonly def = u8();
  private readonly rep = u8();
  private readonly page = new Bytes();
  readonly full = false;

  add(v: Value): void {
    if (!Array.isArray(v) || v.length === 0) {
      this.def.push(Array.isArray(v) ? 1 : 0);
      this.rep.push(0);
      return;
    }
    for (let i = 0; i < v.length; i++) {
      this.def.push(2);
      this.rep.push(i === 0 ? 0 : 1);
      this.bytes.addByteArray(String(v[i]));
    }
  }

  get size(): number {
    return this.bytes.len + this.def.n;
  }

  dictionary(): null {
    return null;
  }

  *pages(rows: number): Generator<PageBody> {
    const per = rowsPerPage(rows, this.size);
    const { a: def, n: slots } = this.def;
    const rep = this.rep.a;
    const b = this.bytes.buf;
    let s = 0;
    let at = 0;
    while (s < slots) {
      // The page's slots: `per` rows, each from a slot with repetition level 0 to the next.
      let end = s;
      let seen = 0;
      let bytesEnd = at;
      while (end < slots && (rep[end] !== 0 || seen++ < per)) {
        if (def[end] === 2) bytesEnd += 4 + b.readUInt32LE(bytesEnd);
        end++;
      }
      this.page.len = 0;
      levels(this.page, rep, s, end, 1);
      levels(this.page, def, s, end, 2);
      this.page.append(b, at, bytesEnd);
      yield { slots: end - s, body: this.page.view() };
      s = end;
      at = bytesEnd;
    }
  }

  reset(): void {
    this.bytes.len = 0;
    this.def.n = 0;
    this.rep.n = 0;
  }
}

export function columnBuffer(type: ColumnType): ColumnBuffer {
  switch (type) {
    case 'string': return new DictColumn();
    case 'text': case 'json': return new StringColumn();
    case 'int32': return new NumberColumn('int32');
    case 'int64': case 'timestamp': return new NumberColumn('int64');
    case 'double': return new NumberColumn('double');
    case 'boolean': return new BooleanColumn();
    case 'list': return new ListColumn();
  }
}
