/**
 * Splits JSON documents into the units rtev reads, streaming, in bounded memory:
 * - the elements of a top-level array (numbered from 1);
 * - each top-level object of a sequence of objects, such as pretty-printed JSONL (`jq . capture.jsonl`),
 *   numbered by the line it starts on;
 * - the WebSocket messages of a HAR file (`log.entries[]._webSocketMessages[]`, numbered from 1), and each
 *   entry's `request.url`.
 * A unit is copied out as its own buffer with raw newlines turned into spaces (JSON reads them the same) and
 * handed on; whether it is valid JSON is the scanner's business. This splitter follows only strings and
 * brackets, so that a unit cut short, or broken by a raw newline in a string, costs that unit and no more:
 * at a line that starts a unit at the same indentation as the broken one, reading starts again.
 */

export type UnitKind = 'element' | 'object' | 'message';

export interface UnitSink {
  /** One unit's bytes (a fresh buffer, one line), `n` as above. */
  unit(kind: UnitKind, buf: Buffer, n: number): void;
  /** A HAR entry's `request.url`. */
  url(url: string): void;
  /** A unit that cannot be read at all, and why. */
  broken(n: number, reason: string): void;
}

const QUOTE = 0x22, BSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d, COMMA = 0x2c, COLON = 0x3a, NL = 0x0a;

// What a container is, for the units inside it.
const NONE = 0, TOP_OBJ = 1, TOP_ARR = 2, LOG = 3, ENTRIES = 4, ENTRY = 5, REQUEST = 6, MESSAGES = 7;
// Containers whose keys matter (the rest are never decoded), and the only keys that do.
const KEYED = new Uint8Array([0, 1, 0, 1, 0, 1, 1, 0]);
const MAX_TRACKED = 1 << 16;
const WANTED = ['log', 'entries', 'request', 'url', '_webSocketMessages'].map((text) => ({ text, bytes: Buffer.from(text) }));

export class JsonStreamSplitter {
  private depth = 0;
  private isObj = new Uint8Array(64);
  private role = new Uint8Array(64);
  private wantKey = new Uint8Array(64);
  private keys: (string | null)[] = [];

  private inString = false;
  private stringIsKey = false;
  private stringBackslashes = 0; // the run of backslashes at the end of the string part read so far
  // A key being read, when its container's keys matter: where it starts in this chunk, and what of it earlier
  // chunks held (rare: a key cut by a chunk boundary).
  private keyWanted = false;
  private keyFrom = 0;
  private keyCarry: Buffer | null = null;
  private inScalar = false;
  private garbageLine = false;

  private line = 1;
  private lineStart = true;
  private indent = 0;

  // The unit being read: its kind, number, the depth of its container, where its bytes are.
  private unitOpen = false;
  private unitKind: UnitKind | 'url' = 'element';
  private unitN = 0;
  private unitDepth = 0;
  private unitColumn = -1;
  private unitParts: Buffer[] = [];
  private unitSize = 0;
  private unitFrom = -1;
  private unitTooLong = false;
  private unitBroken = '';

  private first = true;
  private nlAt = -2;
  /** A top-level object turned out to be a HAR file (it has a `log`). */
  har = false;
  /** How many array elements and HAR messages were met. */
  elements = 0;
  messages = 0;

  constructor(private readonly maxUnit: number, private readonly sink: UnitSink) {}

  push(chunk: Buffer): void {
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    if (this.unitOpen) this.unitFrom = i;
    this.nlAt = -2;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) { i = this.stringPart(chunk, i); continue; }
      const c = chunk[i]!;
      if (c === NL) {
        this.line++;
        this.lineStart = true;
        this.indent = 0;
        if (this.garbageLine) { this.garbageLine = false; this.endUnit(chunk, i); }
        if (this.inScalar) this.endScalar(chunk, i);
        i++;
        continue;
      }
      if (this.garbageLine) { i++; continue; }
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        if (this.lineStart) this.indent++;
        if (this.inScalar) this.endScalar(chunk, i);
        i++;
        continue;
      }
      const atLineStart = this.lineStart;
      this.lineStart = false;
      // A unit left unfinished (cut short, or broken) when the next one plainly starts: read on from here.
      if (atLineStart && c === LBRACE && this.unitOpen && this.unitKind !== 'url' && this.depth > this.unitDepth && this.indent === this.unitColumn) {
        this.unitBroken ||= `not finished when line ${this.line} starts another (truncated?)`;
        this.endUnit(chunk, i);
        this.depth = this.unitDepth;
        this.inScalar = false;
      }
      if (this.inScalar) {
        if (c === COMMA || c === RBRACE || c === RBRACK || c === COLON) this.endScalar(chunk, i);
        else { i++; continue; }
      }
      i = this.structural(chunk, i, c, atLineStart);
    }
    if (this.unitOpen && !this.unitTooLong) this.keep(chunk.subarray(this.unitFrom));
    if (this.inString && this.stringIsKey && this.keyWanted) {
      const part = chunk.subarray(this.keyFrom);
      this.keyCarry = this.keyCarry ? Buffer.concat([this.keyCarry, part]) : Buffer.from(part);
      this.keyFrom = 0;
      if (this.keyCarry.length > 256) this.keyWanted = false; // longer than any key that matters
    }
  }

  /** The input ended: a unit still open was cut short. */
  end(): void {
    const whole = this.garbageLine || (this.inScalar && this.depth === this.unitDepth);
    this.inScalar = false;
    this.garbageLine = false;
    if (this.unitOpen) {
      if (!whole) this.unitBroken ||= 'cut short (truncated?)';
      this.finishUnit();
    } else if (this.depth > 0) {
      const n = this.har ? this.messages : this.role[0] === TOP_ARR ? this.elements : this.line;
      this.sink.broken(n, 'the document ends before its closing bracket (truncated?)');
    }
  }

  private structural(chunk: Buffer, i: number, c: number, atLineStart: boolean): number {
    const d = this.depth;
    const parentRole = d > 0 ? this.role[d - 1]! : NONE;
    const parentObj = d > 0 && this.isObj[d - 1] === 1;
    if (c === QUOTE) {
      const isKey = parentObj && this.wantKey[d - 1] === 1;
      if (isKey) {
        this.wantKey[d - 1] = 0;
        this.keyWanted = KEYED[parentRole] === 1;
        this.keyFrom = i + 1;
        this.keyCarry = null;
      } else {
        this.valueStarts(chunk, i, atLineStart, 'string');
      }
      this.inString = true;
      this.stringIsKey = isKey;
      this.stringBackslashes = 0;
      return i + 1;
    }
    if (c === LBRACE || c === LBRACK) {
      const role = this.valueStarts(chunk, i, atLineStart, c === LBRACE ? 'object' : 'array');
      // Deeper than any HAR path, a hostile nesting is only counted (a typed array ignores writes past its end).
      if (d === this.isObj.length && d < MAX_TRACKED) this.grow();
      this.isObj[d] = c === LBRACE ? 1 : 0;
      this.role[d] = role;
      this.wantKey[d] = c === LBRACE ? 1 : 0;
      if (KEYED[role]) this.keys[d] = null;
      this.depth = d + 1;
      return i + 1;
    }
    if (c === RBRACE || c === RBRACK) {
      if (d === 0) { this.valueStarts(chunk, i, atLineStart, 'scalar'); this.garbageLine = true; return i + 1; }
      this.depth = d - 1;
      if (this.unitOpen && this.depth === this.unitDepth) this.endUnit(chunk, i + 1);
      return i + 1;
    }
    if (c === COMMA && d > 0) {
      if (parentObj) this.wantKey[d - 1] = 1;
      return i + 1;
    }
    if (c === COLON && d > 0) return i + 1;
    // A number, a literal, or garbage.
    this.valueStarts(chunk, i, atLineStart, 'scalar');
    if (d === 0) { this.garbageLine = true; return i + 1; }
    this.inScalar = true;
    return i + 1;
  }

  /** A value starts at `i`: open a unit if it is one, and give a container its role. */
  private valueStarts(chunk: Buffer, i: number, atLineStart: boolean, what: 'object' | 'array' | 'string' | 'scalar'): number {
    const d = this.depth;
    if (this.unitOpen) {
      // Inside a unit nothing matters, except a top-level object's `log`: then it is a HAR file.
      if (d === 1 && this.role[0] === TOP_OBJ && this.keys[0] === 'log' && what === 'object') {
        this.har = true;
        this.unitOpen = false;
        this.unitParts = [];
        return LOG;
      }
      return NONE;
    }
    if (d === 0) {
      if (what === 'array') return TOP_ARR;
      this.openUnit(chunk, i, 'object', this.line, atLineStart);
      return what === 'object' ? TOP_OBJ : NONE;
    }
    const parent = this.role[d - 1]!;
    const key = this.isObj[d - 1] === 1 ? this.keys[d - 1] : null;
    switch (parent) {
      case TOP_ARR:
        this.openUnit(chunk, i, 'element', ++this.elements, atLineStart);
        return NONE;
      case TOP_OBJ:
        return key === 'log' && what === 'object' ? LOG : NONE;
      case LOG:
        return key === 'entries' && what === 'array' ? ENTRIES : NONE;
      case ENTRIES:
        return what === 'object' ? ENTRY : NONE;
      case ENTRY:
        if (key === 'request' && what === 'object') return REQUEST;
        return key === '_webSocketMessages' && what === 'array' ? MESSAGES : NONE;
      case MESSAGES:
        this.openUnit(chunk, i, 'message', ++this.messages, atLineStart);
        return NONE;
      case REQUEST:
        if (key === 'url' && what === 'string') this.openUnit(chunk, i, 'url', 0, atLineStart);
        return NONE;
    }
    return NONE;
  }

  private openUnit(chunk: Buffer, i: number, kind: UnitKind | 'url', n: number, atLineStart: boolean): void {
    this.unitOpen = true;
    this.unitKind = kind;
    this.unitN = n;
    this.unitDepth = this.depth;
    this.unitColumn = atLineStart ? this.indent : -1;
    this.unitParts = [];
    this.unitSize = 0;
    this.unitFrom = i;
    this.unitTooLong = false;
    this.unitBroken = '';
  }

  private keep(part: Buffer): void {
    if (this.unitTooLong) return;
    this.unitSize += part.length;
    if (this.unitSize > this.maxUnit) { this.unitTooLong = true; this.unitParts = []; return; }
    this.unitParts.push(part);
  }

  private endUnit(chunk: Buffer, end: number): void {
    this.keep(chunk.subarray(this.unitFrom, end));
    this.finishUnit();
  }

  private endScalar(chunk: Buffer, i: number): void {
    this.inScalar = false;
    if (this.unitOpen && this.depth === this.unitDepth) this.endUnit(chunk, i);
  }

  private finishUnit(): void {
    this.unitOpen = false;
    const kind = this.unitKind;
    const n = this.unitN;
    if (kind === 'url' && (this.unitTooLong || this.unitBroken)) return;
    if (this.unitTooLong) return this.sink.broken(n, `${kind === 'message' ? 'a message' : kind === 'element' ? 'an element' : 'an object'} of ${mib(this.unitSize)} is over the ${mib(this.maxUnit)} limit, skipped`);
    if (this.unitBroken) return this.sink.broken(n, this.unitBroken);
    const parts = this.unitParts;
    this.unitParts = [];
    // One piece without line breaks is handed on as a view of its chunk (as JSONL lines are); else a copy.
    const one = parts.length === 1 && parts[0]!.indexOf(NL) < 0 && parts[0]!.indexOf(0x0d) < 0;
    const buf = one ? parts[0]! : Buffer.concat(parts, this.unitSize);
    if (kind === 'url') {
      try {
        const u: unknown = JSON.parse(buf.toString('utf8'));
        if (typeof u === 'string') this.sink.url(u);
      } catch { /* not a usable URL: the protocol is decided from the frames */ }
      return;
    }
    if (!one) for (let k = 0; k < buf.length; k++) if (buf[k] === NL || buf[k] === 0x0d) buf[k] = 0x20;
    this.sink.unit(kind, buf, n);
  }

  /** Inside a string from `i`: find its closing quote (or the end of the chunk); return where to go on. */
  private stringPart(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let from = i;
    for (;;) {
      const q = chunk.indexOf(QUOTE, from);
      const stop = q < 0 ? n : q;
      // A raw newline cannot be inside a JSON string: the string (and its unit) is broken there.
      if (this.nlAt !== -1 && this.nlAt < i) this.nlAt = chunk.indexOf(NL, i);
      if (this.nlAt >= 0 && this.nlAt < stop) {
        this.unitBroken ||= `a raw line break inside a string, on line ${this.line}`;
        this.inString = false;
        this.keyWanted = false;
        return this.nlAt;
      }
      // Backslashes just before the quote (or the chunk's end): an odd run escapes it.
      let b = stop - 1;
      while (b >= i && chunk[b] === BSLASH) b--;
      const run = stop - 1 - b + (b < i ? this.stringBackslashes : 0);
      if (q < 0) {
        this.stringBackslashes = run;
        return n;
      }
      if (run % 2 === 1) { from = q + 1; continue; }
      this.inString = false;
      if (this.stringIsKey) this.setKey(chunk, q);
      else if (this.unitOpen && this.depth === this.unitDepth) this.endUnit(chunk, q + 1);
      return q + 1;
    }
  }

  /** The key that ended at `q`: kept only when it is one the HAR path needs, compared byte for byte. */
  private setKey(chunk: Buffer, q: number): void {
    let key: string | null = null;
    if (this.keyWanted) {
      const raw = this.keyCarry ? Buffer.concat([this.keyCarry, chunk.subarray(this.keyFrom, q)]) : chunk.subarray(this.keyFrom, q);
      if (raw.indexOf(BSLASH) >= 0) {
        try { key = JSON.parse(`"${raw.toString('utf8')}"`) as string; } catch { key = null; }
        if (key !== null && !WANTED.some((w) => w.text === key)) key = null;
      } else {
        for (const w of WANTED) if (w.bytes.length === raw.length && w.bytes.equals(raw)) { key = w.text; break; }
      }
    }
    this.keyWanted = false;
    this.keyCarry = null;
    this.keys[this.depth - 1] = key;
  }

  private grow(): void {
    const size = this.isObj.length * 2;
    for (const name of ['isObj', 'role', 'wantKey'] as const) {
      const bigger = new Uint8Array(size);
      bigger.set(this[name]);
      this[name] = bigger;
    }
  }
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`;
}
