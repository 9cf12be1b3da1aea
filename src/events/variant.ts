/**
 * The shape of a catalogue: what a variant is, and the shorthands the protocol tables (realtime.ts, live.ts,
 * translation.ts) are written in. Every catalogue has the same shape, so tagging, filtering, `rtev types`, help
 * and `rtev check` work the same way for every protocol.
 */

/** The protocols rtev speaks. The same event names mean different things in each (PROTOCOL.md §9). */
export type Protocol = 'realtime' | 'translation' | 'live';
export const PROTOCOLS: readonly Protocol[] = ['realtime', 'translation', 'live'];

export type Family =
  // Realtime (PRODUCT.md §1)
  | 'session' | 'conversation' | 'transcription' | 'input_audio_buffer' | 'output_audio_buffer' | 'response'
  | 'text' | 'audio' | 'audio_transcript' | 'function_call' | 'mcp' | 'rate_limits' | 'error'
  // GPT-Live and Translation
  | 'input_audio' | 'transcript' | 'context' | 'delegation' | 'usage' | 'info' | 'transport' | 'decision';

/** Every family of every protocol, Realtime's first, in the order tables group them. */
export const FAMILIES: readonly Family[] = [
  'session', 'conversation', 'transcription', 'input_audio_buffer', 'output_audio_buffer', 'response',
  'text', 'audio', 'audio_transcript', 'function_call', 'mcp', 'rate_limits', 'error',
  'input_audio', 'transcript', 'context', 'delegation', 'usage', 'info', 'transport', 'decision',
];

/** The JSON kind a required field must have. */
export type FieldKind = 'string' | 'integer' | 'number' | 'object' | 'array';
export type Fields = Readonly<Record<string, FieldKind>>;
export type Direction = 'server' | 'client';

/**
 * How a display collapses a run of a streaming variant into one line: `audio` deltas are measured from their
 * base64 (seconds and bytes), `text` deltas are joined (the `delta` string). Consecutive frames of one type and
 * direction join one run; `by` names a field that must match too (Realtime's `item_id`), or null. Without an
 * item to group by, a pause ends a run: a delta more than `gapMs` after the one before it starts a new one
 * (GPT-Live and Translation stream across turns, and the pause between turns is what separates them).
 */
export interface Stream {
  readonly kind: 'audio' | 'text';
  readonly by: 'item_id' | null;
  readonly gapMs: number | null;
}

/** Shorthands for the tables: Realtime's streams, by item; the others', by type and direction, split by a pause. */
export const AUDIO_BY_ITEM: Stream = { kind: 'audio', by: 'item_id', gapMs: null };
export const TEXT_BY_ITEM: Stream = { kind: 'text', by: 'item_id', gapMs: null };
/** Realtime's client appends: one run until another event comes (the server's VAD events split them). */
export const APPENDS: Stream = { kind: 'audio', by: null, gapMs: null };
export const AUDIO: Stream = { kind: 'audio', by: null, gapMs: 1000 };
export const TEXT: Stream = { kind: 'text', by: null, gapMs: 1000 };

/** One row of a protocol table: wire type, family, required fields (besides `type`), and how it streams. */
export type Row = readonly [string, Family, Fields] | readonly [string, Family, Fields, Stream];

export const S = 'string', I = 'integer', N = 'number', O = 'object', A = 'array';

/** One variant of a catalogue. */
export interface Variant {
  readonly protocol: Protocol;
  readonly type: string;
  /** PascalCase of the type: `response.output_audio.delta` → `ResponseOutputAudioDelta`. */
  readonly name: string;
  readonly family: Family | 'unknown';
  readonly dir: Direction | 'unknown';
  readonly required: Fields;
  /** Other names of this variant: Realtime's beta-era names, Azure's spellings. */
  readonly aliases: readonly string[];
  /** A delta that displays collapse into runs (audio, text), or null. */
  readonly stream: Stream | null;
}

/** What a frame's `type` resolves to: its variant, and the other name when one was used. */
export interface Tag {
  readonly variant: Variant;
  /** The alias (beta-era or other spelling) the frame used, or null for the variant's own name or an unknown type. */
  readonly alias: string | null;
  readonly known: boolean;
}

export function variantName(type: string): string {
  return type.split(/[._]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
