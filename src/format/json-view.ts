/**
 * `rtev show`'s view of one event: indented JSON, coloured for a terminal, with base64 audio replaced by what it
 * holds (`<4800 bytes, 0.10 s of audio>`). Strings are escaped as JSON escapes them, plus every character a
 * terminal would act on (`\u001b`, `\u202e` …), so the view is valid JSON and safe to show.
 */
import type { Frame } from '../events/frame.js';
import type { AudioFormat } from '../pipeline/audio-format.js';
import { safeStringify } from './escape.js';
import type { Palette } from './palette.js';
import { seconds, thousands } from './summary.js';

const INDENT = '  ';
/** A string this long under an `audio` key, and base64 all through, is audio. */
const MIN_AUDIO = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** What a run of base64 audio is, in place of it. */
export function audioNote(b64: string, fmt: AudioFormat): string {
  const n = Buffer.byteLength(b64, 'base64');
  const t = fmt.name === 'unknown' ? `audio in an unknown format (${fmt.label})` : `${seconds(n / fmt.bytesPerSecond)} of audio`;
  return `<${thousands(n)} bytes, ${t}>`;
}

export interface ViewOptions {
  palette: Palette;
  /** Keep base64 audio as it is. */
  full: boolean;
  /** The format of the frame's own audio (a delta's, an append's), and of audio nested in items (the input's). */
  own: AudioFormat;
  input: AudioFormat;
}

/** The frame's event (or its text or binary payload) as indented JSON lines. */
export function jsonView(f: Frame, o: ViewOptions): string {
  const value = f.json();
  if (f.kind === 'binary') {
    return o.full ? str(String(value), o.palette) : o.palette.dim(`"<${thousands(Buffer.byteLength(String(value), 'base64'))} bytes of a binary frame>"`);
  }
  if (f.kind === 'text') return str(String(value), o.palette);
  // The frame's own audio: the field its stream carries (server deltas `delta`, client appends `audio`).
  const own = f.tag.variant.stream?.kind === 'audio' ? (typeof value?.audio === 'string' ? 'audio' : 'delta') : null;
  return view(value, '', o, own);
}

function str(s: string, p: Palette): string {
  return p.json('string', safeStringify(s));
}

function view(v: unknown, pad: string, o: ViewOptions, own: string | null, key?: string): string {
  const p = o.palette;
  if (typeof v === 'string') {
    if (!o.full && key !== undefined && (key === own || (key === 'audio' && v.length >= MIN_AUDIO)) && BASE64.test(v)) {
      return p.dim(safeStringify(audioNote(v, key === own ? o.own : o.input)));
    }
    return str(v, p);
  }
  if (typeof v === 'number') return p.json('number', JSON.stringify(v));
  if (v === null || typeof v !== 'object') return p.json('literal', JSON.stringify(v) ?? 'null');
  const inner = pad + INDENT;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + view(x, inner, o, null)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(v);
  if (!entries.length) return '{}';
  // Only the event's top level holds its own audio field.
  const ownBelow = pad === '' ? own : null;
  return `{\n${entries.map(([k, x]) => `${inner}${p.json('key', safeStringify(k))}: ${view(x, inner, o, ownBelow, k)}`).join(',\n')}\n${pad}}`;
}
