/**
 * The event catalogue: the one table that drives tagging, filtering, `rtev types`, help and `rtev check`.
 * Facts from PROTOCOL.md §2.2 (server), §2.5 (client) and §2.6 (beta aliases).
 */

export type Family =
  | 'session' | 'conversation' | 'transcription' | 'input_audio_buffer' | 'output_audio_buffer' | 'response'
  | 'text' | 'audio' | 'audio_transcript' | 'function_call' | 'mcp' | 'rate_limits' | 'error';

export const FAMILIES: readonly Family[] = [
  'session', 'conversation', 'transcription', 'input_audio_buffer', 'output_audio_buffer', 'response',
  'text', 'audio', 'audio_transcript', 'function_call', 'mcp', 'rate_limits', 'error',
];

/** The JSON kind a required field must have. */
export type FieldKind = 'string' | 'integer' | 'number' | 'object' | 'array';
export type Fields = Readonly<Record<string, FieldKind>>;
export type Direction = 'server' | 'client';

const S = 'string', I = 'integer', N = 'number', O = 'object', A = 'array';
// Shorthands for the field sets that many events share.
const id = { event_id: S } as const;
const rsp = { event_id: S, response_id: S, item_id: S, output_index: I, content_index: I } as const;
const call = { event_id: S, response_id: S, item_id: S, output_index: I, call_id: S } as const;
const mcp = { event_id: S, output_index: I, item_id: S } as const;

/** The 46 GA server events, in the order of the spec's `RealtimeServerEvent` union table (PROTOCOL.md §2.2). */
export const SERVER_EVENTS = [
  ['session.created', 'session', { ...id, session: O }],
  ['session.updated', 'session', { ...id, session: O }],
  ['conversation.created', 'conversation', { ...id, conversation: O }],
  ['conversation.item.created', 'conversation', { ...id, item: O }],
  ['conversation.item.added', 'conversation', { ...id, item: O }],
  ['conversation.item.done', 'conversation', { ...id, item: O }],
  ['conversation.item.deleted', 'conversation', { ...id, item_id: S }],
  ['conversation.item.retrieved', 'conversation', { ...id, item: O }],
  ['conversation.item.truncated', 'conversation', { ...id, item_id: S, content_index: I, audio_end_ms: I }],
  ['conversation.item.input_audio_transcription.completed', 'transcription', { ...id, item_id: S, content_index: I, transcript: S, usage: O }],
  ['conversation.item.input_audio_transcription.delta', 'transcription', { ...id, item_id: S }],
  ['conversation.item.input_audio_transcription.failed', 'transcription', { ...id, item_id: S, content_index: I, error: O }],
  ['conversation.item.input_audio_transcription.segment', 'transcription', { ...id, item_id: S, content_index: I, text: S, id: S, speaker: S, start: N, end: N }],
  ['input_audio_buffer.cleared', 'input_audio_buffer', { ...id }],
  ['input_audio_buffer.committed', 'input_audio_buffer', { ...id, item_id: S }],
  ['input_audio_buffer.speech_started', 'input_audio_buffer', { ...id, audio_start_ms: I, item_id: S }],
  ['input_audio_buffer.speech_stopped', 'input_audio_buffer', { ...id, audio_end_ms: I, item_id: S }],
  ['input_audio_buffer.timeout_triggered', 'input_audio_buffer', { ...id, audio_start_ms: I, audio_end_ms: I, item_id: S }],
  // The one server event without an event_id.
  ['input_audio_buffer.dtmf_event_received', 'input_audio_buffer', { event: S, received_at: I }],
  ['output_audio_buffer.started', 'output_audio_buffer', { ...id, response_id: S }],
  ['output_audio_buffer.stopped', 'output_audio_buffer', { ...id, response_id: S }],
  ['output_audio_buffer.cleared', 'output_audio_buffer', { ...id, response_id: S }],
  ['response.created', 'response', { ...id, response: O }],
  ['response.done', 'response', { ...id, response: O }],
  ['response.output_item.added', 'response', { ...id, response_id: S, output_index: I, item: O }],
  ['response.output_item.done', 'response', { ...id, response_id: S, output_index: I, item: O }],
  ['response.content_part.added', 'response', { ...rsp, part: O }],
  ['response.content_part.done', 'response', { ...rsp, part: O }],
  ['response.output_text.delta', 'text', { ...rsp, delta: S }],
  ['response.output_text.done', 'text', { ...rsp, text: S }],
  ['response.output_audio.delta', 'audio', { ...rsp, delta: S }],
  ['response.output_audio.done', 'audio', { ...rsp }],
  ['response.output_audio_transcript.delta', 'audio_transcript', { ...rsp, delta: S }],
  ['response.output_audio_transcript.done', 'audio_transcript', { ...rsp, transcript: S }],
  ['response.function_call_arguments.delta', 'function_call', { ...call, delta: S }],
  ['response.function_call_arguments.done', 'function_call', { ...call, name: S, arguments: S }],
  ['response.mcp_call_arguments.delta', 'mcp', { event_id: S, response_id: S, item_id: S, output_index: I, delta: S }],
  ['response.mcp_call_arguments.done', 'mcp', { event_id: S, response_id: S, item_id: S, output_index: I, arguments: S }],
  ['response.mcp_call.in_progress', 'mcp', mcp],
  ['response.mcp_call.completed', 'mcp', mcp],
  ['response.mcp_call.failed', 'mcp', mcp],
  ['mcp_list_tools.in_progress', 'mcp', { ...id, item_id: S }],
  ['mcp_list_tools.completed', 'mcp', { ...id, item_id: S }],
  ['mcp_list_tools.failed', 'mcp', { ...id, item_id: S }],
  ['rate_limits.updated', 'rate_limits', { ...id, rate_limits: A }],
  ['error', 'error', { ...id, error: O }],
] as const satisfies readonly (readonly [string, Family, Fields])[];

/** GA client events (PROTOCOL.md §2.5). `event_id` is optional on all of them. */
export const CLIENT_EVENTS = [
  ['session.update', 'session', { session: O }],
  ['conversation.item.create', 'conversation', { item: O }],
  ['conversation.item.delete', 'conversation', { item_id: S }],
  ['conversation.item.retrieve', 'conversation', { item_id: S }],
  ['conversation.item.truncate', 'conversation', { item_id: S, content_index: I, audio_end_ms: I }],
  ['input_audio_buffer.append', 'input_audio_buffer', { audio: S }],
  ['input_audio_buffer.clear', 'input_audio_buffer', {}],
  ['input_audio_buffer.commit', 'input_audio_buffer', {}],
  ['output_audio_buffer.clear', 'output_audio_buffer', {}],
  ['response.cancel', 'response', {}],
  ['response.create', 'response', {}],
] as const satisfies readonly (readonly [string, Family, Fields])[];

/** Beta-era names and the GA type each became (PROTOCOL.md §2.6). */
export const BETA_ALIASES = {
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'output_audio_buffer.audio_started': 'output_audio_buffer.started',
  'output_audio_buffer.audio_stopped': 'output_audio_buffer.stopped',
  'output_audio_buffer.audio_cleared': 'output_audio_buffer.cleared',
  'transcription_session.created': 'session.created',
  'transcription_session.updated': 'session.updated',
  'transcription_session.update': 'session.update',
} as const satisfies Record<string, ServerType | ClientType>;

export type ServerType = (typeof SERVER_EVENTS)[number][0];
export type ClientType = (typeof CLIENT_EVENTS)[number][0];

/** One variant of the catalogue. */
export interface Variant {
  readonly type: string;
  /** PascalCase of the type: `response.output_audio.delta` → `ResponseOutputAudioDelta`. */
  readonly name: string;
  readonly family: Family | 'unknown';
  readonly dir: Direction | 'unknown';
  readonly required: Fields;
  readonly aliases: readonly string[];
}

/** What a frame's `type` resolves to: its variant, and the beta name when one was used. */
export interface Tag {
  readonly variant: Variant;
  /** The beta-era name the frame used, or null for a GA name (or an unknown type). */
  readonly alias: string | null;
  readonly known: boolean;
}

export function variantName(type: string): string {
  return type.split(/[._]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function build(rows: readonly (readonly [string, Family, Fields])[], dir: Direction): Variant[] {
  return rows.map(([type, family, required]) => ({
    type, name: variantName(type), family, dir, required,
    aliases: Object.entries(BETA_ALIASES).filter(([, ga]) => ga === type).map(([beta]) => beta),
  }));
}

export const SERVER_VARIANTS: readonly Variant[] = build(SERVER_EVENTS, 'server');
export const CLIENT_VARIANTS: readonly Variant[] = build(CLIENT_EVENTS, 'client');
export const VARIANTS: readonly Variant[] = [...SERVER_VARIANTS, ...CLIENT_VARIANTS];

const TAGS = new Map<string, Tag>();
for (const v of VARIANTS) {
  TAGS.set(v.type, { variant: v, alias: null, known: true });
  for (const a of v.aliases) TAGS.set(a, { variant: v, alias: a, known: true });
}

export const UNKNOWN_NAME = 'Unknown';
const unknownTags = new Map<string, Tag>();
const MAX_CACHED_UNKNOWN = 1024;

/** Tag a wire type. Anything not in the catalogue is `Unknown`, keeping its own type string. */
export function classify(type: string): Tag {
  const known = TAGS.get(type);
  if (known) return known;
  let tag = unknownTags.get(type);
  if (!tag) {
    tag = { variant: { type, name: UNKNOWN_NAME, family: 'unknown', dir: 'unknown', required: {}, aliases: [] }, alias: null, known: false };
    // A hostile stream could send endless distinct types: cache only a bounded number.
    if (unknownTags.size < MAX_CACHED_UNKNOWN) unknownTags.set(type, tag);
  }
  return tag;
}

/** Every name the catalogue knows (GA types, aliases), for suggestions and glob matching. */
export function knownTypes(): string[] {
  return [...TAGS.keys()];
}

export function variantByName(name: string): Variant | undefined {
  return VARIANTS.find((v) => v.name === name);
}
