/**
 * The Realtime API's catalogue: the 46 GA server events, the 11 GA client events and the beta-era names
 * (PROTOCOL.md §2.2, §2.5, §2.6). A compile-time test keeps the server types equal to openai@6's
 * `RealtimeServerEvent['type']`.
 */
import { A, APPENDS, AUDIO_BY_ITEM, I, N, O, S, TEXT_BY_ITEM, type Row } from './variant.js';

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
  ['conversation.item.input_audio_transcription.delta', 'transcription', { ...id, item_id: S }, TEXT_BY_ITEM],
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
  ['response.output_text.delta', 'text', { ...rsp, delta: S }, TEXT_BY_ITEM],
  ['response.output_text.done', 'text', { ...rsp, text: S }],
  ['response.output_audio.delta', 'audio', { ...rsp, delta: S }, AUDIO_BY_ITEM],
  ['response.output_audio.done', 'audio', { ...rsp }],
  ['response.output_audio_transcript.delta', 'audio_transcript', { ...rsp, delta: S }, TEXT_BY_ITEM],
  ['response.output_audio_transcript.done', 'audio_transcript', { ...rsp, transcript: S }],
  ['response.function_call_arguments.delta', 'function_call', { ...call, delta: S }, TEXT_BY_ITEM],
  ['response.function_call_arguments.done', 'function_call', { ...call, name: S, arguments: S }],
  ['response.mcp_call_arguments.delta', 'mcp', { event_id: S, response_id: S, item_id: S, output_index: I, delta: S }, TEXT_BY_ITEM],
  ['response.mcp_call_arguments.done', 'mcp', { event_id: S, response_id: S, item_id: S, output_index: I, arguments: S }],
  ['response.mcp_call.in_progress', 'mcp', mcp],
  ['response.mcp_call.completed', 'mcp', mcp],
  ['response.mcp_call.failed', 'mcp', mcp],
  ['mcp_list_tools.in_progress', 'mcp', { ...id, item_id: S }],
  ['mcp_list_tools.completed', 'mcp', { ...id, item_id: S }],
  ['mcp_list_tools.failed', 'mcp', { ...id, item_id: S }],
  ['rate_limits.updated', 'rate_limits', { ...id, rate_limits: A }],
  ['error', 'error', { ...id, error: O }],
] as const satisfies readonly Row[];

/** GA client events (PROTOCOL.md §2.5). `event_id` is optional on all of them. */
export const CLIENT_EVENTS = [
  ['session.update', 'session', { session: O }],
  ['conversation.item.create', 'conversation', { item: O }],
  ['conversation.item.delete', 'conversation', { item_id: S }],
  ['conversation.item.retrieve', 'conversation', { item_id: S }],
  ['conversation.item.truncate', 'conversation', { item_id: S, content_index: I, audio_end_ms: I }],
  ['input_audio_buffer.append', 'input_audio_buffer', { audio: S }, APPENDS],
  ['input_audio_buffer.clear', 'input_audio_buffer', {}],
  ['input_audio_buffer.commit', 'input_audio_buffer', {}],
  ['output_audio_buffer.clear', 'output_audio_buffer', {}],
  ['response.cancel', 'response', {}],
  ['response.create', 'response', {}],
] as const satisfies readonly Row[];

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

