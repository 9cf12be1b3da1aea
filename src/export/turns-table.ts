import type { TurnRecord } from '../session/types.js';
import { millis, sessionColumns, usageColumns, type Column, type SessionKey, type Table } from './schema.js';

export interface TurnInput {
  session: SessionKey;
  rec: TurnRecord;
}

/** The fields of `rtev turns --json`, flattened: `latency_ms.first_audio` is `first_audio_ms`, and so on. */
const columns: Column<TurnInput>[] = [
  ...sessionColumns<TurnInput>(),
  { name: 'turn', type: 'int32', doc: 'the turn (from 1 in each session)', of: (x) => x.rec.turn.turn },
  { name: 'start', type: 'timestamp', doc: 'when it started', of: (x) => millis(x.rec.turn.start) },
  { name: 'seq', type: 'int64', doc: 'the frame where it started', of: (x) => x.rec.turn.seq },
  { name: 'input', type: 'string', doc: '`speech`, `text`, `audio_commit` or `none`', of: (x) => x.rec.turn.input },
  { name: 'user_item_id', type: 'text', doc: "the user's item", of: (x) => x.rec.turn.user_item_id },
  { name: 'user_transcript', type: 'text', doc: 'its transcription, or the typed text', of: (x) => x.rec.turn.user_transcript },
  { name: 'speech_ms', type: 'int32', doc: "the user's speech, on the server's audio clock", of: (x) => x.rec.turn.speech_ms },
  { name: 'response_ids', type: 'list', doc: 'its responses in the conversation, in order', of: (x) => x.rec.turn.response_ids },
  { name: 'status', type: 'string', doc: 'of its last response', of: (x) => x.rec.turn.status },
  { name: 'status_reason', type: 'string', doc: 'the reason, or a failed response\'s error code', of: (x) => x.rec.turn.status_reason },
  { name: 'response_ms', type: 'int32', doc: "`latency_ms.response`: end of the user's input → first `response.created`", of: (x) => x.rec.turn.latency_ms.response },
  { name: 'first_audio_ms', type: 'int32', doc: '`latency_ms.first_audio`: the same start → first output audio', of: (x) => x.rec.turn.latency_ms.first_audio },
  { name: 'duration_ms', type: 'int32', doc: '`latency_ms.duration`: first `response.created` → last `response.done`', of: (x) => x.rec.turn.latency_ms.duration },
  { name: 'tool_wait_ms', type: 'int32', doc: "`latency_ms.tool_wait`: the client's function calls, summed", of: (x) => x.rec.turn.latency_ms.tool_wait },
  { name: 'tool_names', type: 'list', doc: 'the functions called', of: (x) => x.rec.turn.tools.map((t) => t.name) },
  { name: 'tools', type: 'json', doc: '`tools` as in `turns --json`: `[{name, call_id, arguments, wait_ms}]`', of: (x) => JSON.stringify(x.rec.turn.tools) },
  { name: 'audio_generated_ms', type: 'int32', doc: '`audio_ms.generated`', of: (x) => x.rec.turn.audio_ms.generated },
  { name: 'audio_heard_ms', type: 'int32', doc: '`audio_ms.heard`', of: (x) => x.rec.turn.audio_ms.heard },
  { name: 'interrupted', type: 'boolean', doc: "the next turn's speech cut it off", of: (x) => x.rec.turn.interrupted },
  ...usageColumns<TurnInput>((x) => x.rec.turn.usage, 'summed over its responses'),
  { name: 'cost_usd', type: 'double', doc: 'what it cost; null without a price', of: (x) => x.rec.turn.cost_usd },
  { name: 'error_codes', type: 'list', doc: 'the codes of its errors', of: (x) => x.rec.turn.errors.map((e) => e.code) },
  { name: 'errors', type: 'json', doc: '`errors` as in `turns --json`: `[{code, message, caused_by}]`', of: (x) => JSON.stringify(x.rec.turn.errors) },
  { name: 'out_of_band', type: 'json', doc: '`out_of_band` as in `turns --json`: `[{response_id, status, cost_usd}]`', of: (x) => JSON.stringify(x.rec.turn.out_of_band) },
  { name: 'flags', type: 'list', doc: '`slow`, `interrupted`, `short_barge_in`, `tool_dead_air`, `failed`, `no_response`', of: (x) => x.rec.turn.flags },
];

export const TURNS: Table<TurnInput> = { name: 'turns', doc: 'one row per turn', columns };
