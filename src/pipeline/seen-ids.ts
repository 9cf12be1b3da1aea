/**
 * Which event ids a source has used before, in bounded memory (for `rtev check`'s duplicate-event-id rule):
 * - a window of the most recent ids, kept exactly (their bytes): a repeat of one of them is a certain
 *   duplicate, and only these are reported with the id named;
 * - a Bloom filter of every id, to count the repeats of ids older than the window. Those it cannot confirm: a
 *   Bloom filter answers "maybe" for ids it never saw at a known rate (FALSE_POSITIVE_RATE), so they are only
 *   counted, never named.
 * Everything lives in typed arrays (no string per id), and sizes grow with the source up to their caps.
 */

/** Ids kept exactly: the last WINDOW to 2 × WINDOW of them (two generations of WINDOW each). */
export const WINDOW = 1 << 17;
/** The Bloom filter's false-positive rate per id, while the source has at most BLOOM_IDS ids. */
export const FALSE_POSITIVE_RATE = 1e-5;
/** The ids the Bloom filter holds at that rate; beyond them it fills up, and the rate rises. */
export const BLOOM_IDS = 5 << 20;

/**
 * Two 32-bit hashes of `buf[s, e)` (murmur3's finaliser over an FNV-1a and a multiplicative pass), in H. A typed
 * array, not two `let`s: a module variable holding a number past 31 bits is a heap number, allocated per write.
 */
const H = new Int32Array(2);
function hash(buf: Uint8Array, s: number, e: number): void {
  let a = 0x811c9dc5 | 0, b = 0x9747b28c | 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b + c, 0x9e3779b1) ^ (b >>> 15);
  }
  H[0] = fmix(a ^ (e - s));
  H[1] = fmix(b + Math.imul(e - s, 0x85ebca6b)) | 1; // odd: it steps through every bit of a block
}
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** One generation of the exact window: the ids' bytes end to end, and an open-addressing table over them. */
class Generation {
  bytes = new Uint8Array(1 << 16);
  used = 0;
  offs = new Int32Array(1025);
  hashes = new Int32Array(1024);
  count = 0;
  table = new Int32Array(2048); // entry + 1; 0 is empty

  has(buf: Uint8Array, s: number, e: number): boolean {
    const mask = this.table.length - 1;
    for (let i = H[0]! & mask; ; i = (i + 1) & mask) {
      const x = this.table[i]!;
      if (x === 0) return false;
      const k = x - 1;
      if (this.hashes[k] !== H[0]!) continue;
      const o = this.offs[k]!, n = this.offs[k + 1]! - o;
      if (n !== e - s) continue;
      let j = 0;
      while (j < n && this.bytes[o + j] === buf[s + j]) j++;
      if (j === n) return true;
    }
  }

  /** Add an id (not already here); false when the generation is full. */
  add(buf: Uint8Array, s: number, e: number): boolean {
    if (this.count === WINDOW) return false;
    const n = e - s;
    if (this.used + n > this.bytes.length) this.bytes = grown(this.bytes, this.used + n);
    if (this.count + 1 >= this.offs.length) {
      this.offs = grown(this.offs, this.count + 2);
      this.hashes = grown(this.hashes, this.count + 1);
    }
    if (2 * (this.count + 1) > this.table.length) this.rehash(this.table.length * 2);
    const bytes = this.bytes, at = this.used;
    for (let i = 0; i < n; i++) bytes[at + i] = buf[s + i]!; // ids are short: a loop beats a subarray's allocation
    this.hashes[this.count] = H[0]!;
    this.offs[this.count] = this.used;
    this.used += n;
    this.offs[++this.count] = this.used;
    this.place(this.count - 1);
    return true;
  }

  private place(k: number): void {
    const mask = this.table.length - 1;
    let i = this.hashes[k]! & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = k + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let k = 0; k < this.count; k++) this.place(k);
  }

  /** Empty it: `shrink` gives its memory back (a new run), else the sizes are kept for the next WINDOW ids. */
  clear(shrink = true): void {
    this.used = 0;
    this.count = 0;
    this.offs[0] = 0;
    // Back to the first size, so that a source of a few ids costs a few ids (fleets have thousands).
    if (shrink && this.table.length > 2048) { this.table = new Int32Array(2048); this.bytes = new Uint8Array(1 << 16); this.offs = new Int32Array(1025); this.hashes = new Int32Array(1024); }
    else this.table.fill(0);
  }
}

function grown<T extends Uint8Array | Int32Array>(a: T, need: number): T {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * A blocked Bloom filter: each id sets K bits within one 512-bit block, so that a look-up touches one cache
 * line. It starts small and grows fourfold as it fills: its ids cannot be added again (their bytes are gone),
 * so each size is a filter of its own, and a look-up asks every one (at most four: BLOOM_IDS).
 */
const K = 20;
// With K = 20 in 512-bit blocks: 3e-6 measured at 5M ids (all four sizes asked), under FALSE_POSITIVE_RATE.
const BITS_PER_ID = 40;
class Bloom {
  private filters: { bits: Int32Array; blocks: number; capacity: number; count: number }[] = [];
  private total = 0;

  constructor() {
    this.grow(1 << 16);
  }

  private grow(capacity: number): void {
    const blocks = Math.max(1, (capacity * BITS_PER_ID) >> 9);
    this.filters.push({ bits: new Int32Array(blocks * 16), blocks, capacity, count: 0 });
  }

  /** Whether the id hashed into H may have been added. */
  mayHave(): boolean {
    for (const f of this.filters) if (this.test(f.bits, f.blocks)) return true;
    return false;
  }

  private test(bits: Int32Array, blocks: number): boolean {
    const base = Math.floor(((H[0]! >>> 0) * blocks) / 4294967296) * 16; // a range without a division
    let x = H[1]!;
    for (let i = 0; i < K; i++) {
      const bit = (x >>> 23) & 511;
      if (!(bits[base + (bit >> 5)]! & (1 << (bit & 31)))) return false;
      x = (Math.imul(x, 0x2c1b3c6d) + 0x297a2d39) | 0; // kept an int32: a double here costs 5×
    }
    return true;
  }

  add(): void {
    let f = this.filters[this.filters.length - 1]!;
    if (f.count >= f.capacity && this.total < BLOOM_IDS) { this.grow(f.capacity * 4); f = this.filters[this.filters.length - 1]!; }
    const base = Math.floor(((H[0]! >>> 0) * f.blocks) / 4294967296) * 16;
    let x = H[1]!;
    for (let i = 0; i < K; i++) {
      const bit = (x >>> 23) & 511;
      f.bits[base + (bit >> 5)]! |= 1 << (bit & 31);
      x = (Math.imul(x, 0x2c1b3c6d) + 0x297a2d39) | 0; // kept an int32: a double here costs 5×
    }
    f.count++;
    this.total++;
  }

  get size(): number {
    return this.total;
  }
}

/** What `SeenIds.add` found. */
export const enum Seen { new, duplicate, maybeOld }

export class SeenIds {
  private cur = new Generation();
  private prev = new Generation();
  private bloom = new Bloom();
  /** Repeats the Bloom filter saw, older than the window: counted, never named. */
  unconfirmed = 0;

  /**
   * One id, as its UTF-8 bytes `buf[s, e)`: `duplicate` when it is in the window (certain), `maybeOld` when only
   * the Bloom filter has it (an older repeat, or a false positive), `new` otherwise.
   */
  add(buf: Uint8Array, s: number, e: number): Seen {
    hash(buf, s, e);
    // Every id in the window is in the Bloom filter too: when the filter has never seen it (nearly always),
    // neither has the window, and the exact look-up is saved.
    const old = this.bloom.mayHave();
    if (old && (this.cur.has(buf, s, e) || this.prev.has(buf, s, e))) return Seen.duplicate;
    if (old) this.unconfirmed++;
    else this.bloom.add();
    if (!this.cur.add(buf, s, e)) {
      const g = this.prev;
      this.prev = this.cur;
      g.clear(false);
      this.cur = g;
      this.cur.add(buf, s, e);
    }
    return old ? Seen.maybeOld : Seen.new;
  }

  /** How many distinct ids the Bloom filter holds. */
  get ids(): number {
    return this.bloom.size;
  }

  /** Forget everything (a new source). */
  clear(): void {
    this.cur.clear();
    this.prev.clear();
    if (this.bloom.size > 0) this.bloom = new Bloom();
    this.unconfirmed = 0;
  }
}
