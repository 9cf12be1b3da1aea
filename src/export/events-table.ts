import type { Frame } from '../events/frame.js';
import { sessionColumns, type Column, type SessionKey, type Table, type Value } from './schema.js';

/** What an `events` row is read from: the frame, and what the exporter measured of it. */
export interface EventInput {
  session: SessionKey;
  f: Frame;
  /** The frame's position in its source, from 1. */
  seq: number;
  ts: number | null;
  audioBytes: number | null;
  audioMs: number | null;
  errorCode: string | null;
  /** The top-level ids (read by the exporter, which reuses the strings of a run of deltas). */
  eventId: Value;
  responseId: string | null;
  itemId: string | null;
  json: Value;
}

const isEvent = (x: EventInput) => x.f.kind === 'event';

const columns: Column<EventInput>[] = [
  ...sessionColumns<EventInput>(),
  { name: 'seq', type: 'int64', doc: "the frame's position in its source, from 1 (meta and malformed lines are not frames), as `rtev cat --json` numbers it", of: (x) => x.seq },
  { name: 'line', type: 'int64', doc: 'its line in the source (its message, in a HAR or JSON array)', of: (x) => x.f.line },
  { name: 'ts', type: 'timestamp', doc: "the recording's time (UTC, ms); null for bare events", of: (x) => x.ts },
  { name: 'dir', type: 'string', doc: '`server` or `client` (for bare events, the direction of their type)', of: (x) => x.f.direction },
  { name: 'kind', type: 'string', doc: '`event`, or `text` / `binary` for non-JSON WebSocket frames', of: (x) => x.f.kind },
  { name: 'type', type: 'string', doc: 'the GA type (beta names folded in); an unknown type as it came; null for text and binary frames', of: (x) => (isEvent(x) ? x.f.tag.variant.type : null) },
  { name: 'wire_type', type: 'string', doc: 'the type as on the wire (differs from `type` for beta aliases)', of: (x) => (isEvent(x) ? x.f.type : null) },
  { name: 'variant', type: 'string', doc: 'the catalogue variant (`ResponseOutputAudioDelta`, `Unknown`)', of: (x) => (isEvent(x) ? x.f.tag.variant.name : null) },
  { name: 'family', type: 'string', doc: 'the catalogue family (`response`, `audio`, `session`, …)', of: (x) => (isEvent(x) ? x.f.tag.variant.family : null) },
  { name: 'protocol', type: 'string', doc: '`realtime`, `live` (GPT-Live) or `translation`', of: (x) => x.f.tag.variant.protocol },
  { name: 'known', type: 'boolean', doc: 'whether the catalogue knows the type', of: (x) => isEvent(x) && x.f.tag.known },
  { name: 'event_id', type: 'text', doc: 'the top-level `event_id`', of: (x) => x.eventId },
  { name: 'response_id', type: 'string', doc: 'the top-level `response_id`', of: (x) => x.responseId },
  { name: 'item_id', type: 'string', doc: 'the top-level `item_id`', of: (x) => x.itemId },
  { name: 'call_id', type: 'string', doc: 'the top-level `call_id`', of: (x) => x.f.field('call_id') ?? null },
  { name: 'bytes', type: 'int64', doc: "the event's size as captured, in bytes", of: (x) => x.f.evEnd - x.f.evStart },
  { name: 'audio_bytes', type: 'int64', doc: 'audio deltas and appends: the decoded audio bytes (from the base64 length)', of: (x) => x.audioBytes },
  { name: 'audio_ms', type: 'double', doc: 'their duration in the audio format in force (GPT-Live: the session\'s; Translation: each delta\'s `sample_rate`); null in a format rtev does not know', of: (x) => x.audioMs },
  { name: 'error_code', type: 'string', doc: 'error events: `error.code` (else `error.type`, as `rtev stats` counts it); a failed `response.done`: its error code', of: (x) => x.errorCode },
  { name: 'json', type: 'json', doc: 'the event, with base64 payloads replaced by `"<N bytes>"`; bytes that are not UTF-8 read as U+FFFD and a lone `\\uD800`–`\\uDFFF` escape written `\\ufffd`, so every reader accepts it (`--no-json` leaves the column out)', of: (x) => x.json },
];

export const EVENTS: Table<EventInput> = { name: 'events', doc: 'one row per frame', columns };
/** The same table without its `json` column (`--no-json`). */
export const EVENTS_NO_JSON: Table<EventInput> = { ...EVENTS, columns: columns.filter((c) => c.name !== 'json') };
