/**
 * The `json` column: the event as captured, with base64 payloads replaced by a short `"<N bytes>"` marker so a
 * table of events stays small and readable. Audio deltas and appends are spliced around the scanner's span of
 * their payload, never parsed; the rare other event that may carry base64 (an item with an audio part, an image
 * as a data URL) is parsed and rewritten; every other event is its own bytes, unchanged.
 */
import { isUtf8 } from 'node:buffer';
import type { Frame } from '../events/frame.js';

/** Types whose top-level `delta` or `audio` is base64 audio, in every protocol. */
export const AUDIO_PAYLOAD: ReadonlySet<string> = new Set([
  'response.output_audio.delta', 'input_audio_buffer.append', // Realtime
  'session.output_audio.delta', 'session.input_audio.append', 'session.input_audio_buffer.append', // GPT-Live, Translation
]);

const marker = (bytes: number) => `"<${bytes} bytes>"`;
const AUDIO_KEY = Buffer.from('"audio":"');
const DATA_URL = Buffer.from(';base64,');
/** Smaller events cannot hold a payload worth eliding. */
const MIN_NESTED = 512;

/**
 * The column's value. Parquet UTF8 and JSON columns must hold what every reader accepts, or DuckDB refuses the
 * whole file: bytes that are not UTF-8 are given as rtev reads them (each invalid sequence a U+FFFD, as
 * `JSON.parse` of the line gives), and an escaped lone surrogate (`"\ud800"`: JSON's grammar allows it, UTF-8
 * cannot hold it) becomes `\ufffd`.
 */
export function eventJson(f: Frame): Uint8Array | string {
  const v = eventJsonBytes(f);
  if (typeof v === 'string') return wellFormed(f, v);
  const b = Buffer.from(v.buffer, v.byteOffset, v.length);
  if (!isUtf8(b)) return wellFormed(f, b.toString('utf8'));
  // Valid UTF-8 (nearly always): the bytes as they are, unless an escape needs mending.
  if (!f.anyEscape || !b.includes('\\u')) return v;
  const s = b.toString('utf8');
  const w = wellFormed(f, s);
  return w === s ? v : w;
}

/** `s` with its escaped lone surrogates replaced (only an event with escapes can hold one). */
function wellFormed(f: Frame, s: string): string {
  return f.anyEscape && s.includes('\\u') ? withoutLoneSurrogates(s) : s;
}

/**
 * JSON text with every `\uD800`–`\uDFFF` escape that is not half of a pair replaced by `\ufffd`. Escapes are
 * read left to right, one whole escape per match, so `\\ud800` (an escaped backslash, then text) is left alone.
 */
export function withoutLoneSurrogates(json: string): string {
  return json.replace(/\\(?:u([dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?|u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[^u])/g,
    (m: string, high: string | undefined, low: string | undefined) => {
      if (high !== undefined) return low !== undefined ? m : '\\ufffd';
      return m.length === 6 && /^\\u[dD][c-fC-F]/.test(m) ? '\\ufffd' : m;
    });
}

function eventJsonBytes(f: Frame): Uint8Array | string {
  if (f.kind === 'binary') return marker(Buffer.byteLength(String(f.json()), 'base64'));
  const bytes = f.eventBytes();
  if (f.kind !== 'event') return bytes;
  const span = f.payloadSpan();
  if (span && AUDIO_PAYLOAD.has(f.tag.variant.type)) {
    return Buffer.concat([bytes.subarray(0, span.start), Buffer.from(marker(f.audioBytes())), bytes.subarray(span.end)]);
  }
  if (bytes.length >= MIN_NESTED && (bytes.indexOf(AUDIO_KEY) >= 0 || bytes.indexOf(DATA_URL) >= 0)) {
    const e = f.tryJson();
    if (e !== undefined) return JSON.stringify(elide(e));
  }
  return bytes;
}

/** The value with base64 audio (`audio` strings) and `data:…;base64,` URLs replaced by their marker. */
function elide(v: unknown, key = ''): unknown {
  if (typeof v === 'string') {
    if (key === 'audio' && v.length >= 16) return `<${Buffer.byteLength(v, 'base64')} bytes>`;
    const i = v.startsWith('data:') ? v.indexOf(';base64,') : -1;
    return i < 0 ? v : `<${Buffer.byteLength(v.slice(i + 8), 'base64')} bytes>`;
  }
  if (Array.isArray(v)) return v.map((x) => elide(x));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = Object.create(null); // a key named __proto__ stays a key
    for (const [k, x] of Object.entries(v)) out[k] = elide(x, k);
    return out;
  }
  return v;
}
