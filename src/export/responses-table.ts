import type { ResponseRecord } from '../session/types.js';
import { costColumns, millis, sessionColumns, usageColumns, type Column, type SessionKey, type Table } from './schema.js';

export interface ResponseInput {
  session: SessionKey;
  r: ResponseRecord;
}

const columns: Column<ResponseInput>[] = [
  ...sessionColumns<ResponseInput>(),
  { name: 'response_id', type: 'text', doc: 'the response', of: (x) => x.r.response_id },
  { name: 'turn', type: 'int32', doc: 'the turn it belongs to (from 1 in each session)', of: (x) => x.r.turn },
  { name: 'out_of_band', type: 'boolean', doc: 'made outside the conversation (`conversation: "none"`)', of: (x) => x.r.out_of_band },
  { name: 'seq', type: 'int64', doc: 'the frame that made it known (`response.created`, else its `response.done`)', of: (x) => x.r.seq },
  { name: 'created', type: 'timestamp', doc: 'when `response.created` arrived', of: (x) => millis(x.r.created) },
  { name: 'done', type: 'timestamp', doc: 'when `response.done` arrived', of: (x) => millis(x.r.done) },
  { name: 'status', type: 'string', doc: '`completed`, `cancelled`, `failed`, `incomplete`, or `unfinished` (no `response.done` by the end of the capture)', of: (x) => x.r.status },
  { name: 'status_reason', type: 'string', doc: 'cancelled or incomplete: the reason (`turn_detected` …); failed: the error code', of: (x) => x.r.status_reason },
  { name: 'error_code', type: 'string', doc: "a failed response's error code", of: (x) => x.r.error?.code ?? null },
  { name: 'error_message', type: 'text', doc: 'and its message', of: (x) => x.r.error?.message ?? null },
  { name: 'model', type: 'string', doc: "the session's model when it was created (what it is priced by)", of: (x) => x.r.model },
  { name: 'first_audio_ms', type: 'int32', doc: '`response.created` → its first output audio', of: (x) => x.r.latency_ms.first_audio },
  { name: 'first_delta_ms', type: 'int32', doc: '`response.created` → its first audio, text or transcript delta', of: (x) => x.r.latency_ms.first_delta },
  { name: 'duration_ms', type: 'int32', doc: '`response.created` → `response.done`', of: (x) => x.r.latency_ms.duration },
  { name: 'first_audio', type: 'timestamp', doc: 'when its first output audio arrived', of: (x) => millis(x.r.first_audio) },
  { name: 'audio_generated_ms', type: 'int32', doc: 'output audio it generated; null over WebRTC or in an unknown format', of: (x) => x.r.audio_ms.generated },
  { name: 'audio_heard_ms', type: 'int32', doc: 'of which the user heard (up to a truncation)', of: (x) => x.r.audio_ms.heard },
  { name: 'item_ids', type: 'list', doc: 'the assistant items it produced', of: (x) => x.r.item_ids },
  { name: 'tool_names', type: 'list', doc: 'the functions it called', of: (x) => x.r.tools.map((t) => t.name) },
  ...usageColumns<ResponseInput>((x) => x.r.usage, 'of `response.done`'),
  { name: 'cost_usd', type: 'double', doc: 'what it cost (see "Cost"); null without a price', of: (x) => x.r.cost?.total ?? null },
  ...costColumns<ResponseInput>((x) => x.r.cost),
];

export const RESPONSES: Table<ResponseInput> = { name: 'responses', doc: 'one row per response', columns };
