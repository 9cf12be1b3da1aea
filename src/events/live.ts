/**
 * GPT-Live's catalogue (`/v1/live/sessions`, PROTOCOL.md §9): 15 client and 27 server events. Its names clash
 * with Realtime's (`session.updated`, `response.create`, `error` …) but its payloads differ, so it is a table of
 * its own. A compile-time test keeps the types equal to openai-node 7's `ClientEvent` and `ServerEvent`.
 *
 * Required fields are what openai-node 7 requires, less what real frames have been seen without
 * (PROTOCOL.md §9, tolerance): audio deltas and the reflected input carry no `event_id`; transcript deltas and
 * `session.delegation.created` have been captured with neither `event_id` nor `start_ms`/`end_ms`;
 * `session.closed` without `session`; `delegation_id` may be null, so it is not required to be a string.
 * Unknown fields always pass.
 */
import { AUDIO, N, O, S, TEXT, type Row } from './variant.js';

const id = { event_id: S } as const;
const span = { event_id: S, start_ms: N, end_ms: N } as const;

export const LIVE_CLIENT_EVENTS = [
  ['session.start', 'session', { session: O }],
  ['session.update', 'session', { session: O }],
  ['session.input_audio.append', 'input_audio', { audio: S }, AUDIO],
  ['session.input_audio.mute', 'input_audio', {}],
  ['session.input_audio.unmute', 'input_audio', {}],
  ['session.instructions.append', 'context', { content: S }],
  ['session.thinking.append', 'context', { content: S }],
  ['session.commentary.append', 'context', { content: S }],
  ['response.item.create', 'delegation', { item: O }],
  ['response.create', 'delegation', {}],
  ['session.close', 'session', {}],
  // Later additions: fixture playback and decisions.
  ['session.output_audio.fixture.play', 'audio', { audio: S }],
  ['decision.create', 'decision', { ...id }],
  ['decision.item.create', 'decision', { item: O }],
  ['decision.item.delete', 'decision', { item_id: S }],
] as const satisfies readonly Row[];

export const LIVE_SERVER_EVENTS = [
  ['session.started', 'session', { ...id, session: O }],
  ['session.updated', 'session', { ...id, session: O }],
  ['session.input_audio.muted', 'input_audio', { ...id }],
  ['session.input_audio.unmuted', 'input_audio', { ...id }],
  ['session.instructions.appended', 'context', span],
  ['session.thinking.appended', 'context', span],
  ['session.commentary.appended', 'context', span],
  // On a sideband, the caller's audio is reflected back (no event_id).
  ['session.input_audio.append', 'input_audio', { audio: S }, AUDIO],
  ['session.output_audio.delta', 'audio', { delta: S }, AUDIO],
  ['session.input_transcript.delta', 'transcript', { delta: S }, TEXT],
  ['session.output_transcript.delta', 'transcript', { delta: S }, TEXT],
  ['session.delegation.created', 'delegation', { delegation: O }],
  // Carries a Responses-API stream event in `event` (its own `type`, `sequence_number`).
  ['response.event', 'delegation', { ...id, event: O }],
  ['session.usage.updated', 'usage', { ...id, usage: O }],
  ['session.closed', 'session', { ...id, reason: S }],
  ['error', 'error', { ...id, error: O }],
  ['info', 'info', { ...id, code: S, message: S }],
  // SIP, on the sideband.
  ['transport.dtmf.received', 'transport', { ...id, event: S }],
  ['transport.dtmf.send', 'transport', { ...id, event: S }],
  ['transport.ringing', 'transport', { ...id, session_id: S }],
  ['transport.answered', 'transport', { ...id, session_id: S }],
  ['transport.failed', 'transport', { ...id, session_id: S, error: O }],
  // Later additions.
  ['session.output_audio.fixture.playing', 'audio', { ...id }],
  ['session.output_audio.fixture.played', 'audio', { ...id }],
  ['decision.event', 'decision', { ...id, event: O }],
  ['decision.item.created', 'decision', { ...id, item: O }],
  ['decision.item.deleted', 'decision', { ...id, item_id: S }],
] as const satisfies readonly Row[];

/** Other spellings: Azure's Voice Live (and openai-node 7's types) also have `transport.dtmf.sent`. */
export const LIVE_ALIASES = {
  'transport.dtmf.sent': 'transport.dtmf.send',
} as const satisfies Record<string, LiveServerType>;

export type LiveClientType = (typeof LIVE_CLIENT_EVENTS)[number][0];
export type LiveServerType = (typeof LIVE_SERVER_EVENTS)[number][0];

/** The Live events that carry a nested event with its own `type` in `event` (see Frame.nestedType). */
export const NESTING_TYPES: ReadonlySet<string> = new Set(['response.event', 'decision.event']);
