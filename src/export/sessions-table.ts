import type { Protocol } from '../events/catalogue.js';
import type { Totals } from '../session/totals.js';
import type { SessionSummary } from '../session/types.js';
import { millis, sessionColumns, type Column, type SessionKey, type Table } from './schema.js';

/** A session's row is read from the model's summary and the totals of its turns (the same figures as `stats`). */
export interface SessionInput {
  session: SessionKey;
  summary: SessionSummary;
  totals: Totals;
  protocol: Protocol;
  /** The first and last recording times of its frames, and how many frames it had. */
  first: string | null;
  last: string | null;
  frames: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** The configuration in force at the end (GA paths, beta sessions mapped): one setting. */
const cfg = (x: SessionInput, ...path: string[]): unknown => path.reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), x.summary.config);
const vad = (x: SessionInput, k: string) => cfg(x, 'audio', 'input', 'turn_detection', k);
const status = (x: SessionInput, s: string) => x.totals.status.map.get(s) ?? 0;

const columns: Column<SessionInput>[] = [
  ...sessionColumns<SessionInput>(),
  { name: 'protocol', type: 'string', doc: '`realtime`, `live` or `translation`', of: (x) => x.protocol },
  { name: 'model', type: 'string', doc: "the session's model", of: (x) => x.summary.model },
  { name: 'voice', type: 'string', doc: 'the output voice', of: (x) => str(cfg(x, 'audio', 'output', 'voice')) },
  { name: 'input_format', type: 'string', doc: 'the input audio format (`audio/pcm`, `audio/pcmu`, `audio/pcma`)', of: (x) => str(cfg(x, 'audio', 'input', 'format', 'type')) },
  { name: 'input_rate', type: 'int32', doc: 'its sample rate, when the session names one', of: (x) => num(cfg(x, 'audio', 'input', 'format', 'rate')) },
  { name: 'output_format', type: 'string', doc: 'the output audio format', of: (x) => str(cfg(x, 'audio', 'output', 'format', 'type')) },
  { name: 'output_rate', type: 'int32', doc: 'its sample rate', of: (x) => num(cfg(x, 'audio', 'output', 'format', 'rate')) },
  { name: 'turn_detection', type: 'string', doc: '`server_vad`, `semantic_vad`, or null (none)', of: (x) => str(vad(x, 'type')) },
  { name: 'vad_threshold', type: 'double', doc: 'turn detection `threshold`', of: (x) => num(vad(x, 'threshold')) },
  { name: 'vad_prefix_padding_ms', type: 'int32', doc: 'turn detection `prefix_padding_ms`', of: (x) => num(vad(x, 'prefix_padding_ms')) },
  { name: 'vad_silence_duration_ms', type: 'int32', doc: 'turn detection `silence_duration_ms`', of: (x) => num(vad(x, 'silence_duration_ms')) },
  { name: 'vad_eagerness', type: 'string', doc: 'semantic VAD `eagerness`', of: (x) => str(vad(x, 'eagerness')) },
  { name: 'transcription_model', type: 'string', doc: 'the input transcription model', of: (x) => str(cfg(x, 'audio', 'input', 'transcription', 'model')) },
  { name: 'start', type: 'timestamp', doc: 'its first frame (null without timestamps)', of: (x) => millis(x.first) },
  { name: 'end', type: 'timestamp', doc: 'its last frame', of: (x) => millis(x.last) },
  { name: 'duration_ms', type: 'int64', doc: '`end − start`', of: (x) => { const a = millis(x.first), b = millis(x.last); return a === null || b === null ? null : b - a; } },
  { name: 'events', type: 'int64', doc: 'its frames', of: (x) => x.frames },
  { name: 'turns', type: 'int32', doc: 'its turns', of: (x) => x.totals.turns.total },
  { name: 'interrupted', type: 'int32', doc: 'turns interrupted', of: (x) => x.totals.turns.interrupted },
  { name: 'slow', type: 'int32', doc: 'turns flagged `slow`', of: (x) => x.totals.turns.slow },
  { name: 'short_barge_in', type: 'int32', doc: 'turns flagged `short_barge_in`', of: (x) => x.totals.turns.short_barge_in },
  { name: 'tool_dead_air', type: 'int32', doc: 'turns flagged `tool_dead_air`', of: (x) => x.totals.turns.tool_dead_air },
  { name: 'failed_turns', type: 'int32', doc: 'turns flagged `failed`', of: (x) => x.totals.turns.failed },
  { name: 'responses', type: 'int32', doc: 'its responses, out-of-band ones included', of: (x) => x.totals.responses.total },
  { name: 'completed', type: 'int32', doc: 'responses `completed`', of: (x) => status(x, 'completed') },
  { name: 'cancelled', type: 'int32', doc: 'responses `cancelled`', of: (x) => status(x, 'cancelled') },
  { name: 'failed', type: 'int32', doc: 'responses `failed`', of: (x) => status(x, 'failed') },
  { name: 'incomplete', type: 'int32', doc: 'responses `incomplete`', of: (x) => status(x, 'incomplete') },
  { name: 'unfinished', type: 'int32', doc: 'responses with no `response.done` by the end', of: (x) => status(x, 'unfinished') },
  { name: 'out_of_band', type: 'int32', doc: 'responses made outside the conversation', of: (x) => x.totals.responses.out_of_band },
  { name: 'input_tokens', type: 'int64', doc: '`usage.input_tokens` summed over its responses', of: (x) => x.totals.usage.input_tokens },
  { name: 'output_tokens', type: 'int64', doc: '`usage.output_tokens` summed over its responses', of: (x) => x.totals.usage.output_tokens },
  { name: 'total_tokens', type: 'int64', doc: '`usage.total_tokens` summed over its responses', of: (x) => x.totals.usage.total_tokens },
  { name: 'cached_tokens', type: 'int64', doc: '`usage.cached_tokens` summed over its responses', of: (x) => x.totals.usage.cached_tokens },
  { name: 'input_text_tokens', type: 'int64', doc: '`usage.input_text_tokens` summed over its responses', of: (x) => x.totals.usage.input_text_tokens },
  { name: 'input_audio_tokens', type: 'int64', doc: '`usage.input_audio_tokens` summed over its responses', of: (x) => x.totals.usage.input_audio_tokens },
  { name: 'output_text_tokens', type: 'int64', doc: '`usage.output_text_tokens` summed over its responses', of: (x) => x.totals.usage.output_text_tokens },
  { name: 'output_audio_tokens', type: 'int64', doc: '`usage.output_audio_tokens` summed over its responses', of: (x) => x.totals.usage.output_audio_tokens },
  { name: 'transcription_tokens', type: 'int64', doc: 'input transcription usage', of: (x) => x.summary.transcription_tokens },
  { name: 'audio_output_seconds', type: 'double', doc: 'output audio (null over WebRTC or in an unknown format)', of: (x) => x.summary.audio.output_seconds },
  { name: 'audio_input_seconds', type: 'double', doc: 'input audio appended by the client', of: (x) => x.summary.audio.input_seconds },
  { name: 'cost_usd', type: 'double', doc: 'what it cost (as `stats`); null when some usage has no price', of: (x) => x.totals.costUsd()?.total ?? null },
  { name: 'errors', type: 'int32', doc: 'its errors (what `--errors` selects)', of: (x) => [...x.totals.errors.map.values()].reduce((a, n) => a + n, 0) },
  { name: 'error_codes', type: 'list', doc: 'their distinct codes', of: (x) => [...x.totals.errors.map.keys()] },
  { name: 'config', type: 'json', doc: 'the configuration in force at the end, as `rtev session --json` shows it', of: (x) => (x.summary.config ? JSON.stringify(x.summary.config) : null) },
];

export const SESSIONS: Table<SessionInput> = { name: 'sessions', doc: 'one row per session', columns };
