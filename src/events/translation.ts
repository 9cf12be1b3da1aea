/**
 * Realtime Translation's catalogue (`/v1/realtime/translations`, PROTOCOL.md §9): 3 client and 7 server events.
 * Speech in, translated speech out. Required fields are openai-node 7's (`RealtimeTranslation*`), which a
 * compile-time test keeps in step; `elapsed_ms`, `sample_rate`, `channels` and `format` are optional there.
 */
import { AUDIO, O, S, TEXT, type Row } from './variant.js';

const id = { event_id: S } as const;

export const TRANSLATION_CLIENT_EVENTS = [
  ['session.update', 'session', { session: O }],
  ['session.input_audio_buffer.append', 'input_audio', { audio: S }, AUDIO],
  ['session.close', 'session', {}],
] as const satisfies readonly Row[];

export const TRANSLATION_SERVER_EVENTS = [
  ['session.created', 'session', { ...id, session: O }],
  ['session.updated', 'session', { ...id, session: O }],
  ['session.input_transcript.delta', 'transcript', { ...id, delta: S }, TEXT],
  ['session.output_transcript.delta', 'transcript', { ...id, delta: S }, TEXT],
  ['session.output_audio.delta', 'audio', { ...id, delta: S }, AUDIO],
  ['session.closed', 'session', { ...id }],
  ['error', 'error', { ...id, error: O }],
] as const satisfies readonly Row[];

export type TranslationClientType = (typeof TRANSLATION_CLIENT_EVENTS)[number][0];
export type TranslationServerType = (typeof TRANSLATION_SERVER_EVENTS)[number][0];
