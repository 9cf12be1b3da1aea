import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';

/**
 * Column buffers for one row group of a Parquet file: values are appended row by row into flat, growable
 * typed arrays and byte buffers (no object per value), then encoded once per row group as PLAIN values with
 * their definition (and, for lists, repetition) levels. One class per physical layout.
 */

/**
 * A column's type: the Parquet type it is written as (README, "rtev export": the schemas). `string` and `text`
 * are both UTF-8 strings: `string` for values that repeat (dictionary-encoded), `text` for values that do not.
 */
export type ColumnType = 'string' | 'text' | 'json' | 'int32' | 'int64' | 'double' | 'boolean' | 'timestamp' | 'list';

/** A value as a row carries it: strings may come as UTF-8 bytes; timestamps as epoch milliseconds. */
export type Value = string | Uint8Array | number | boolean | readonly string[] | null;

/** What one column chunk holds once encoded. */
export interface Encoded {
  /** Level slots (rows, or list elements and empty lists). */
  slots: number;
  /** Definition levels, one per slot (null when the column has none). */
  def: Uint8Array | null;
  maxDef: number;
  /** Repetition levels, one per slot, for lists. */
  rep: Uint8Array | null;
  /** The non-null values: PLAIN, or with a dictionary, the bit width then the RLE/bit-packed indexes. */
  values: Uint8Array;
  /** The distinct values, PLAIN-encoded, when the chunk is dictionary-encoded. */
  dict: { values: Uint8Array; count: number } | null;
}

export interface ColumnBuffer {
  add(v: Value): void;
  /** Bytes held, to bound a row group by size. */
  readonly size: number;
  /** The row group must end now (a dictionary is full). */
  readonly full: boolean;
  encode(): Encoded;
  reset(): void;
}

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

  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Definition levels of a flat optional column: 1 defined, 0 null. */
class Levels {
  a = new Uint8Array(1024);
  n = 0;
  push(level: number): void {
    if (this.n === this.a.length) {
      const next = new Uint8Array(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.n++] = level;
  }
  view(): Uint8Array {
    return this.a.subarray(0, this.n);
  }
}

/** INT32, INT64, DOUBLE, TIMESTAMP(ms): numbers kept as doubles (exact up to 2^53), written in their width. */
class NumberColumn implements ColumnBuffer {
  private vals = new Float64Array(1024);
  private k = 0;
  private readonly def = new Levels();

  constructor(private readonly width: 'int32' | 'int64' | 'double') {}

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

  readonly full = false;

  get size(): number {
    return this.k * 8 + this.def.n;
  }

  encode(): Encoded {
    const k = this.k;
    let values: Uint8Array;
    if (this.width === 'double') {
      values = new Uint8Array(this.vals.buffer, 0, k * 8);
    } else if (this.width === 'int32') {
      const a = new Int32Array(k);
      for (let i = 0; i < k; i++) a[i] = this.vals[i]!;
      values = new Uint8Array(a.buffer);
    } else {
      // Two 32-bit halves (little-endian, as Parquet and every host Node runs on): no BigInt per value.
      const a = new Int32Array(2 * k);
      for (let i = 0; i < k; i++) {
        const x = Math.trunc(this.vals[i]!);
        a[2 * i] = x % 4294967296;
        a[2 * i + 1] = Math.floor(x / 4294967296);
      }
      values = new Uint8Array(a.buffer);
    }
    return { slots: this.def.n, def: this.def.view(), maxDef: 1, rep: null, values, dict: null };
  }

  reset(): void {
    this.k = 0;
    this.def.n = 0;
  }
}

class BooleanColumn implements ColumnBuffer {
  private readonly bits = new Levels();
  private readonly def = new Levels();

  add(v: Value): void {
    if (typeof v !== 'boolean') {
      this.def.push(0);
      return;
    }
    this.def.push(1);
    this.bits.push(v ? 1 : 0);
  }

  readonly full = false;

  get size(): number {
    return this.bits.n + this.def.n;
  }

  encode(): Encoded {
    // PLAIN booleans: one bit each, least significant first.
    const n = this.bits.n;
    const values = new Uint8Array((n + 7) >> 3);
    for (let i = 0; i < n; i++) if (this.bits.a[i]) values[i >> 3]! |= 1 << (i & 7);
    return { slots: this.def.n, def: this.def.view(), maxDef: 1, rep: null, values, dict: null };
  }

  reset(): void {
    this.bits.n = 0;
    this.def.n = 0;
  }
}

/** Strings with many distinct values (ids, JSON, text): PLAIN. */
class StringColumn implements ColumnBuffer {
  private readonly bytes = new Bytes();
  private readonly def = new Levels();
  readonly full = false;

  add(v: Value): void {
    if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
      this.def.push(0);
      return;
    }
    this.def.push(1);
    this.bytes.addByteArray(v);
  }

  get size(): number {
    return this.bytes.len + this.def.n;
  }

  encode(): Encoded {
    return { slots: this.def.n, def: this.def.view(), maxDef: 1, rep: null, values: this.bytes.view(), dict: null };
  }

  reset(): void {
    this.bytes.len = 0;
    this.def.n = 0;
  }
}

/** Distinct values a dictionary holds at most before its row group ends. */
const MAX_DICT = 1 << 15;
const MAX_DICT_BYTES = 4 << 20;

/**
 * Strings that repeat (types, directions, sessions, response ids): dictionary-encoded. A row costs a map
 * look-up and an index, and the file stores each distinct value once per row group.
 */
class DictColumn implements ColumnBuffer {
  private readonly ids = new Map<string, number>();
  private readonly dict = new Bytes();
  private idx = new Int32Array(1024);
  private k = 0;
  private readonly def = new Levels();

  add(v: Value): void {
    if (typeof v !== 'string') {
      if (!(v instanceof Uint8Array)) {
        this.def.push(0);
        return;
      }
      v = Buffer.from(v.buffer, v.byteOffset, v.length).toString('utf8');
    }
    this.def.push(1);
    let i = this.ids.get(v);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(v, i);
      this.dict.addByteArray(v);
    }
    if (this.k === this.idx.length) {
      const next = new Int32Array(this.idx.length * 2);
      next.set(this.idx);
      this.idx = next;
    }
    this.idx[this.k++] = i;
  }

  get full(): boolean {
    return this.ids.size >= MAX_DICT || this.dict.len >= MAX_DICT_BYTES;
  }

  get size(): number {
    return this.dict.len + this.k * 4 + this.def.n;
  }

  encode(): Encoded {
    const n = this.ids.size;
    if (n === 0) return { slots: this.def.n, def: this.def.view(), maxDef: 1, rep: null, values: new Uint8Array(0), dict: null };
    const width = Math.max(1, Math.ceil(Math.log2(n)));
    const w = new ByteWriter(this.k * width / 8 + 64);
    w.appendUint8(width);
    writeRleBitPackedHybrid(w, this.idx.subarray(0, this.k), width);
    return {
      slots: this.def.n, def: this.def.view(), maxDef: 1, rep: null, values: w.getBytes(),
      dict: { values: this.dict.view(), count: n },
    };
  }

  reset(): void {
    this.ids.clear();
    this.dict.len = 0;
    this.k = 0;
    this.def.n = 0;
  }
}

/**
 * A list of strings, as the three-level LIST of the Parquet spec: `optional group (LIST) { repeated group list
 * { required binary element (UTF8) } }`. Levels per slot: null list def 0; empty list def 1; an element def 2,
 * repetition 0 for a list's first element and 1 for the others.
 */
class ListColumn implements ColumnBuffer {
  private readonly bytes = new Bytes();
  private readonly def = new Levels();
  private readonly rep = new Levels();

  add(v: Value): void {
    if (!Array.isArray(v)) {
      this.def.push(0);
      this.rep.push(0);
      return;
    }
    if (v.length === 0) {
      this.def.push(1);
      this.rep.push(0);
      return;
    }
    for (let i = 0; i < v.length; i++) {
      this.def.push(2);
      this.rep.push(i === 0 ? 0 : 1);
      this.bytes.addByteArray(String(v[i]));
    }
  }

  readonly full = false;

  get size(): number {
    return this.bytes.len + 2 * this.def.n;
  }

  encode(): Encoded {
    return { slots: this.def.n, def: this.def.view(), maxDef: 2, rep: this.rep.view(), values: this.bytes.view(), dict: null };
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
