/**
 * The `json` column: the event as captured, with base64 payloads replaced by a short `"<N bytes>"` marker so a
 * table of events stays small and readable. Audio deltas and appends are spliced around the scanner's span of
 * their payload, never parsed; the rare other event that may carry base64 (an item with an audio part, an image
 * as a data URL) is parsed and rewritten; every other event is its own bytes, unchanged.
 */
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

export function eventJson(f: Frame): Uint8Array | string {
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
