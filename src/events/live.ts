/**
 * GPT-Live's catalogue (`/v1/live/sessions`, PROTOCOL.md §9): 15 client and 27 server events. Its names clash
 * with Realtime's (`session.updated`, `response.create`, `error` …) but its payloads differ, so it is a table of
 * its own. Required fields are kept to what real frames always carry: Live's audio and transcript deltas often
 * have no `event_id`, `session.closed` may lack `session`, and unknown fields always pass.
 */
import { AUDIO, O, S, TEXT, type Row } from './variant.js';

const id = { event_id: S } as const;

export const LIVE_CLIENT_EVENTS: readonly Row[] = [
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
  ['session.output_audio.fixture.play', 'audio', {}],
  ['decision.create', 'decision', {}],
  ['decision.item.create', 'decision', {}],
  ['decision.item.delete', 'decision', {}],
];

export const LIVE_SERVER_EVENTS: readonly Row[] = [
  ['session.started', 'session', { ...id, session: O }],
  ['session.updated', 'session', { ...id, session: O }],
  ['session.input_audio.muted', 'input_audio', {}],
  ['session.input_audio.unmuted', 'input_audio', {}],
  ['session.instructions.appended', 'context', {}],
  ['session.thinking.appended', 'context', {}],
  ['session.commentary.appended', 'context', {}],
  // On a sideband, the caller's audio is reflected back (no event_id).
  ['session.input_audio.append', 'input_audio', { audio: S }, AUDIO],
  ['session.output_audio.delta', 'audio', { delta: S }, AUDIO],
  ['session.input_transcript.delta', 'transcript', { delta: S }, TEXT],
  ['session.output_transcript.delta', 'transcript', { delta: S }, TEXT],
  ['session.delegation.created', 'delegation', { delegation: O }],
  // Carries a Responses-API stream event in `event`.
  ['response.event', 'delegation', { event: O }],
  ['session.usage.updated', 'usage', { ...id, usage: O }],
  ['session.closed', 'session', { ...id }],
  ['error', 'error', { ...id, error: O }],
  ['info', 'info', {}],
  // SIP, on the sideband.
  ['transport.dtmf.received', 'transport', {}],
  ['transport.dtmf.send', 'transport', {}],
  ['transport.ringing', 'transport', {}],
  ['transport.answered', 'transport', {}],
  ['transport.failed', 'transport', {}],
  // Later additions.
  ['session.output_audio.fixture.playing', 'audio', {}],
  ['session.output_audio.fixture.played', 'audio', {}],
  ['decision.event', 'decision', {}],
  ['decision.item.created', 'decision', {}],
  ['decision.item.deleted', 'decision', {}],
];

/** Other spellings: Azure's Voice Live sends `transport.dtmf.sent`. */
export const LIVE_ALIASES: Readonly<Record<string, string>> = {
  'transport.dtmf.sent': 'transport.dtmf.send',
};
