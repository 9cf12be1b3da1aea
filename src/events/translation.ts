/**
 * Realtime Translation's catalogue (`/v1/realtime/translations`, PROTOCOL.md §9): 3 client and 7 server events.
 * Speech in, translated speech out; every server frame of the reference carries an `event_id`.
 */
import { AUDIO, O, S, TEXT, type Row } from './variant.js';

const id = { event_id: S } as const;

export const TRANSLATION_CLIENT_EVENTS: readonly Row[] = [
  ['session.update', 'session', { session: O }],
  ['session.input_audio_buffer.append', 'input_audio', { audio: S }, AUDIO],
  ['session.close', 'session', {}],
];

export const TRANSLATION_SERVER_EVENTS: readonly Row[] = [
  ['session.created', 'session', { ...id, session: O }],
  ['session.updated', 'session', { ...id, session: O }],
  ['session.input_transcript.delta', 'transcript', { ...id, delta: S }, TEXT],
  ['session.output_transcript.delta', 'transcript', { ...id, delta: S }, TEXT],
  ['session.output_audio.delta', 'audio', { ...id, delta: S }, AUDIO],
  ['session.closed', 'session', { ...id }],
  ['error', 'error', { ...id, error: O }],
];
