/**
 * A byte scanner for one JSON object per line. It validates the whole object against JSON's grammar (what
 * JSON.parse accepts, it accepts; what JSON.parse rejects, it rejects) and records where a few top-level keys'
 * values are, so that the hot path learns a line's `type`, ids and audio length without `JSON.parse`. Long
 * strings (base64 audio) are crossed with a native `indexOf` and a four-bytes-at-a-time control check.
 */

/** The keys whose value spans are recorded. Their index is the slot. */
export const KEYS = [
  'type', 'event_id', 'response_id', 'item_id', 'call_id', 'delta', 'audio',
  'ts', 'dir', 'event', 'text', 'binary', 'rtev', 'output_index', 'content_index',
  'direction', 'timestamp', 'time', 'received_at', 'log',
  // GPT-Live and Translation: the audio clock of deltas and the rate of translated audio.
  'start_ms', 'end_ms', 'elapsed_ms', 'sample_rate',
  // Realtime's speech events: where the speech is in the input audio (the turn model reads them unparsed).
  'audio_start_ms', 'audio_end_ms',
] as const;
export type Key = (typeof KEYS)[number];
export const enum Slot {
  type, event_id, response_id, item_id, call_id, delta, audio, ts, dir, event, text, binary, rtev, output_index, content_index,
  direction, timestamp, time, received_at, log,
  start_ms, end_ms, elapsed_ms, sample_rate,
  audio_start_ms, audio_end_ms,
}
const NSLOTS = KEYS.length;
const KEY_BYTES = KEYS.map((k) => Buffer.from(k, 'latin1'));
const MAX_KEY = Math.max(...KEYS.map((k) => k.length));

/**
 * Where each recorded key's value is: [start, end) byte offsets, or -1. String spans include the quotes.
 * Reused line after line: a slot counts only if it was written since the last `reset()` (a generation
 * number, so that resetting costs nothing per line).
 */
export class Spans {
  private readonly s = new Int32Array(NSLOTS);
  private readonly e = new Int32Array(NSLOTS);
  private readonly esc = new Uint8Array(NSLOTS);
  private readonly gen = new Int32Array(NSLOTS);
  private current = 1;
  /** How deep objects and arrays nest in the object scanned last (1: none inside it). */
  depth = 0;
  /** Whether any string of the object scanned last (key or value, at any depth) has a backslash escape. */
  escapes = false;

  reset(): void {
    this.current++;
  }
  set(slot: number, start: number, end: number, escaped: number): void {
    this.s[slot] = start;
    this.e[slot] = end;
    this.esc[slot] = escaped;
    this.gen[slot] = this.current;
  }
  start(slot: number): number {
    return this.gen[slot] === this.current ? this.s[slot]! : -1;
  }
  end(slot: number): number {
    return this.e[slot]!;
  }
  /** 0: no escapes; 1: has backslash escapes (decode, do not slice); 2: not known (look before slicing). */
  escaped(slot: number): number {
    return this.esc[slot]!;
  }
}

const QUOTE = 0x22, BSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d;
const COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d, ZERO = 0x30, DOT = 0x2e;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const DIGIT = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) DIGIT[c] = 1;
// Inside a string, one table look-up per byte: 0 plain, 1 quote, 2 backslash, 3 a raw control character.
const IN_STRING = new Uint8Array(256);
IN_STRING[QUOTE] = 1;
IN_STRING[BSLASH] = 2;
for (let c = 0; c < 0x20; c++) IN_STRING[c] = 3;

/** Why the last scan failed (set when a function here returns -1). */
export let scanError = '';
let lastEscaped = 0;
/** Whether a string with an escape was met since scanObject last reset it (like `deepest`). */
let sawEscape = false;

// A DataView of the buffer being scanned, to read four bytes at a time; made once per buffer (chunk).
let viewOf: Buffer | null = null;
let view: DataView = new DataView(new ArrayBuffer(4));
const ONES = 0x01010101, HIGHS = 0x80808080, QUOTES = 0x22222222, SLASHES = 0x5c5c5c5c, SPACES = 0x20202020;

// The buffer as 32-bit words, for hasControl: made once per buffer, like the view.
let wordsOf: Buffer | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/**
 * Whether `buf[s, e)` holds a raw control character: eight aligned words per step, one test at the end. A byte
 * below 0x20 is found by the classic has-less-than test, `(w - 0x20202020) & ~w & 0x80808080`. Measured at
 * about 7 GB/s: most of what validating base64 audio costs.
 */
function hasControl(buf: Buffer, s: number, e: number): boolean {
  const off = buf.byteOffset;
  // Byte by byte up to a word boundary of the underlying memory, then whole words.
  for (; s < e && ((off + s) & 3) !== 0; s++) if (buf[s]! < 0x20) return true;
  const wEnd = (off + e) >> 2;
  const w = (off + s) >> 2;
  if (w < wEnd) {
    if (wordsOf !== buf) { wordsOf = buf; words = new Int32Array(buf.buffer, off & ~3, ((off + buf.length) >> 2) - (off >> 2)); }
    const ws = words, last = wEnd - (off >> 2);
    let acc = 0, k = w - (off >> 2);
    for (; k + 8 <= last; k += 8) {
      const a = ws[k]!, b = ws[k + 1]!, c = ws[k + 2]!, d = ws[k + 3]!, f = ws[k + 4]!, g = ws[k + 5]!, h = ws[k + 6]!, m = ws[k + 7]!;
      acc |= (((a - SPACES) | 0) & ~a) | (((b - SPACES) | 0) & ~b) | (((c - SPACES) | 0) & ~c) | (((d - SPACES) | 0) & ~d)
        | (((f - SPACES) | 0) & ~f) | (((g - SPACES) | 0) & ~g) | (((h - SPACES) | 0) & ~h) | (((m - SPACES) | 0) & ~m);
    }
    for (; k < last; k++) { const v = ws[k]!; acc |= ((v - SPACES) | 0) & ~v; }
    if (acc & HIGHS) return true;
    s = (wEnd << 2) - off;
  }
  for (; s < e; s++) if (buf[s]! < 0x20) return true;
  return false;
}

/** Skip a string whose opening quote is at `i`; return the index after its closing quote, or -1. */
function skipString(buf: Buffer, i: number, end: number): number {
  lastEscaped = 0;
  let j = i + 1;
  // Short strings: a JS loop beats the cost of a native call. Four bytes at a time while none of them is a
  // quote, a backslash or a control character (the classic has-zero-byte test), then byte by byte.
  const shortEnd = Math.min(end, j + 64);
  if (viewOf !== buf) { viewOf = buf; view = new DataView(buf.buffer, buf.byteOffset, buf.length); }
  while (j + 4 <= shortEnd) {
    const v = view.getUint32(j, true);
    const q = v ^ QUOTES, b = v ^ SLASHES;
    if ((((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - SPACES) & ~v)) & HIGHS) break;
    j += 4;
  }
  for (; j < shortEnd; j++) {
    const k = IN_STRING[buf[j]!]!;
    if (k === 0) continue;
    if (k === 1) return j + 1;
    if (k === 2) {
      lastEscaped = 1;
      sawEscape = true;
      const n = escapeLength(buf, j + 1, end);
      if (n < 0) { scanError = 'invalid escape in a string'; return -1; }
      j += n;
    } else { scanError = 'control character inside a string'; return -1; }
  }
  // Long strings (audio): the closing quote and any backslash are found natively; the bytes between are
  // checked for control characters four at a time. Escapes are checked one by one, as in short strings.
  let q = -1;
  for (;;) {
    if (q < j) {
      q = buf.indexOf(QUOTE, j);
      if (q < 0 || q >= end) { scanError = 'unterminated string'; return -1; }
    }
    // Searched within the string only: a search to the end of the chunk would cost a chunk per string.
    let b = buf.subarray(j, q).indexOf(BSLASH);
    if (b < 0) break;
    b += j;
    if (hasControl(buf, j, b)) { scanError = 'control character inside a string'; return -1; }
    const n = escapeLength(buf, b + 1, end);
    if (n < 0) { scanError = 'invalid escape in a string'; return -1; }
    lastEscaped = 1;
    sawEscape = true;
    j = b + 1 + n;
  }
  if (hasControl(buf, j, q)) { scanError = 'control character inside a string'; return -1; }
  return q + 1;
}

// After a backslash: one of " \ / b f n r t, or u and four hex digits.
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** How many bytes the escape after a backslash at `j - 1` takes, or -1 if it is not a valid one. */
function escapeLength(buf: Buffer, j: number, end: number): number {
  const c = buf[j];
  if (c === undefined || j >= end) return -1;
  if (ESCAPES[c]) return 1;
  if (c !== 0x75 || j + 4 >= end) return -1;
  return HEX[buf[j + 1]!] && HEX[buf[j + 2]!] && HEX[buf[j + 3]!] && HEX[buf[j + 4]!] ? 5 : -1;
}

const TRUE = Buffer.from('true'), FALSE = Buffer.from('false'), NULL = Buffer.from('null');

/** Skip `true`, `false`, `null` or a number (JSON's grammar: no `01`, `1.`, `.5`, `+1`, `nan`) at `i`, or -1. */
function skipScalar(buf: Buffer, i: number, end: number): number {
  const c = buf[i]!;
  if (c === 0x74 || c === 0x66 || c === 0x6e) {
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
    const n = word.length;
    if (i + n > end) { scanError = 'unexpected end of line (truncated?)'; return -1; }
    for (let k = 1; k < n; k++) if (buf[i + k] !== word[k]) { scanError = 'invalid literal (not true, false or null)'; return -1; }
    return i + n;
  }
  let j = i;
  if (c === MINUS) j++;
  if (buf[j] === ZERO) j++;
  else if (j < end && DIGIT[buf[j]!]) { j++; while (j < end && DIGIT[buf[j]!]) j++; }
  else { scanError = j < end || j > i ? 'invalid number' : 'unexpected end of line'; return -1; }
  if (j < end && buf[j] === DOT) {
    j++;
    if (!(j < end && DIGIT[buf[j]!])) { scanError = 'invalid number'; return -1; }
    while (j < end && DIGIT[buf[j]!]) j++;
  }
  if (j < end && (buf[j] === 0x65 || buf[j] === 0x45)) {
    j++;
    if (j < end && (buf[j] === 0x2b || buf[j] === MINUS)) j++;
    if (!(j < end && DIGIT[buf[j]!])) { scanError = 'invalid number'; return -1; }
    while (j < end && DIGIT[buf[j]!]) j++;
  }
  return j;
}

/** Skip any JSON value starting at `i` (after whitespace); return the index after it, or -1. */
function skipValue(buf: Buffer, i: number, end: number): number {
  if (i >= end) { scanError = 'unexpected end of line (truncated?)'; return -1; }
  const c = buf[i]!;
  if (c === QUOTE) return skipString(buf, i, end);
  if (c === LBRACE || c === LBRACK) return skipNested(buf, i, end);
  if (c === MINUS || DIGIT[c] || c === 0x74 || c === 0x66 || c === 0x6e) return skipScalar(buf, i, end);
  scanError = `unexpected character '${String.fromCharCode(c)}'`;
  return -1;
}

// What skipNested expects next. Every value in an object or array goes through AFTER, which wants `,` or the
// closing bracket: so `[1,,2]`, `{"k"}`, `{1:2}` and `[1 2]` all fail where JSON.parse fails.
const VALUE = 0, VALUE_OR_CLOSE = 1, KEY = 2, KEY_OR_CLOSE = 3, COLON_NEXT = 4, AFTER = 5;

// One stack for all nested values, reused: allocating one per value showed up in profiles. 1 = object.
let stack = new Uint8Array(256);
// The deepest nesting met by skipNested since scanObject last reset it: recorded so that parsing an event
// need not count its brackets again (see bounded-json.ts).
let deepest = 0;

/**
 * Skip a nested object or array: the full grammar (keys, colons, commas, literals, numbers, strings) as a
 * small state machine with an explicit stack, so that depth costs memory, never the call stack.
 */
function skipNested(buf: Buffer, i: number, end: number): number {
  let depth = 0;
  let state = VALUE;
  let j = i;
  while (j < end) {
    const c = buf[j]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) { j++; continue; }
    switch (state) {
      case VALUE: case VALUE_OR_CLOSE:
        if (c === QUOTE) {
          j = skipString(buf, j, end);
          if (j < 0) return -1;
          state = AFTER;
        } else if (c === LBRACE || c === LBRACK) {
          if (depth === stack.length) { const bigger = new Uint8Array(depth * 2); bigger.set(stack); stack = bigger; }
          stack[depth++] = c === LBRACE ? 1 : 0;
          if (depth > deepest) deepest = depth;
          state = c === LBRACE ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
          j++;
        } else if (c === RBRACK && state === VALUE_OR_CLOSE) {
          depth--;
          if (depth === 0) return j + 1;
          state = AFTER;
          j++;
        } else if (c === MINUS || DIGIT[c] || c === 0x74 || c === 0x66 || c === 0x6e) {
          j = skipScalar(buf, j, end);
          if (j < 0) return -1;
          state = AFTER;
        } else { scanError = `unexpected character '${String.fromCharCode(c)}'`; return -1; }
        break;
      case KEY: case KEY_OR_CLOSE:
        if (c === QUOTE) {
          j = skipString(buf, j, end);
          if (j < 0) return -1;
          state = COLON_NEXT;
        } else if (c === RBRACE && state === KEY_OR_CLOSE) {
          depth--;
          if (depth === 0) return j + 1;
          state = AFTER;
          j++;
        } else { scanError = 'expected a key'; return -1; }
        break;
      case COLON_NEXT:
        if (c !== COLON) { scanError = "expected ':' after a key"; return -1; }
        state = VALUE;
        j++;
        break;
      default: // AFTER
        if (c === COMMA) {
          state = stack[depth - 1] ? KEY : VALUE;
        } else if (c === RBRACE || c === RBRACK) {
          if (stack[depth - 1] !== (c === RBRACE ? 1 : 0)) { scanError = 'mismatched brackets'; return -1; }
          if (--depth === 0) return j + 1;
        } else { scanError = stack[depth - 1] ? "expected ',' or '}'" : "expected ',' or ']'"; return -1; }
        j++;
    }
  }
  scanError = 'unexpected end of line (truncated?)';
  return -1;
}

// The recorded keys grouped by length and first byte, so most keys are ruled out with two comparisons.
const BY_LENGTH: number[][] = Array.from({ length: MAX_KEY + 1 }, (_, n) => KEYS.flatMap((k, i) => (k.length === n ? [i] : [])));

function slotOf(buf: Buffer, ks: number, ke: number): number {
  const len = ke - ks;
  if (len > MAX_KEY) return -1;
  const candidates = BY_LENGTH[len]!;
  outer: for (let c = 0; c < candidates.length; c++) {
    const k = candidates[c]!;
    const kb = KEY_BYTES[k]!;
    for (let m = 0; m < len; m++) if (buf[ks + m] !== kb[m]) continue outer;
    return k;
  }
  return -1;
}

const SLOT_BY_NAME = new Map<string, number>(KEYS.map((k, i) => [k, i]));

function escapedSlotOf(buf: Buffer, s: number, e: number): number {
  if (e - s > MAX_KEY * 6 + 2) return -1; // longer than any recorded key, even fully escaped
  return SLOT_BY_NAME.get(spanString(buf, s, e, 1)) ?? -1;
}

/**
 * Scan the object whose `{` is at `i`, recording recorded keys' spans into `spans` (and its depth). When
 * `inner` is given, an object value of the key `event` is scanned into it the same way (recording envelopes).
 * Returns the index after the closing `}`, or -1 with `scanError` set.
 */
export function scanObject(buf: Buffer, i: number, end: number, spans: Spans, inner: Spans | null): number {
  const outer = deepest, outerEscape = sawEscape;
  deepest = 0;
  sawEscape = false;
  const r = scanMembers(buf, i, end, spans, inner);
  spans.depth = deepest + 1;
  spans.escapes = sawEscape;
  deepest = outer > spans.depth ? outer : spans.depth;
  sawEscape ||= outerEscape;
  return r;
}

function scanMembers(buf: Buffer, i: number, end: number, spans: Spans, inner: Spans | null): number {
  let j = i + 1;
  for (let first = true; ; first = false) {
    while (j < end && isWs(buf[j]!)) j++;
    if (j >= end) { scanError = 'unexpected end of line (truncated?)'; return -1; }
    if (buf[j] === RBRACE && first) return j + 1; // {} (after a comma, a key must follow)
    if (buf[j] !== QUOTE) { scanError = 'expected a key'; return -1; }
    const ks = j + 1;
    j = skipString(buf, j, end);
    if (j < 0) return -1;
    // An escaped key (`"typ\u0065"`) is the same key to JSON.parse: decode it before looking it up.
    const slot = lastEscaped ? escapedSlotOf(buf, ks - 1, j) : slotOf(buf, ks, j - 1);
    while (j < end && isWs(buf[j]!)) j++;
    if (buf[j] !== COLON) { scanError = "expected ':' after a key"; return -1; }
    j++;
    while (j < end && isWs(buf[j]!)) j++;
    const vs = j;
    if (inner !== null && slot === Slot.event && buf[j] === LBRACE) {
      inner.reset(); // a repeated "event" key: only the last one counts
      j = scanObject(buf, j, end, inner, null);
    } else {
      j = skipValue(buf, j, end);
    }
    if (j < 0) return -1;
    // A repeated key: JSON.parse keeps the last one, and so do we.
    if (slot >= 0) spans.set(slot, vs, j, buf[vs] === QUOTE ? lastEscaped : 0);
    while (j < end && isWs(buf[j]!)) j++;
    if (buf[j] === COMMA) { j++; continue; }
    if (buf[j] === RBRACE) return j + 1;
    scanError = j >= end ? 'unexpected end of line (truncated?)' : "expected ',' or '}'";
    return -1;
  }
}

/** Skip one JSON value of any kind at `i` (after whitespace): the index after it, or -1 with `scanError` set. */
export function scanValue(buf: Buffer, i: number, end: number): number {
  return skipValue(buf, i, end);
}

/** The decoded string at a span (which includes its quotes). */
export function spanString(buf: Buffer, s: number, e: number, escaped: number): string {
  if (escaped === 2) escaped = hasEscape(buf, s, e) ? 1 : 0;
  if (!escaped) return buf.toString('utf8', s + 1, e - 1);
  try {
    return JSON.parse(buf.toString('utf8', s, e)) as string;
  } catch {
    // Not reached for spans the scanner validated; kept so that a decode never throws.
    return buf.toString('utf8', s + 1, e - 1);
  }
}

/** Whether a string span holds a backslash (an escape). */
export function hasEscape(buf: Buffer, s: number, e: number): boolean {
  return buf.subarray(s + 1, e - 1).indexOf(BSLASH) >= 0;
}

/** Bytes of audio a base64 string span (with quotes) decodes to, without decoding it. */
export function base64Bytes(buf: Buffer, s: number, e: number): number {
  let n = e - s - 2;
  if (n <= 0) return 0;
  let pad = 0;
  if (buf[e - 2] === 0x3d) pad++;
  if (pad && buf[e - 3] === 0x3d) pad++;
  return Math.floor((n * 3) / 4) - pad;
}
