/**
 * Errors and their causes. An `error` event names the client event that caused it (`error.event_id`); the
 * index below remembers the most recent client events by id, in bounded memory, to say which one it was.
 */
import type { Frame } from '../events/frame.js';
import type { ClientRef } from './types.js';

/** The most recent client events by `event_id` (at most `limit`; the oldest are forgotten first). */
export class ClientEvents {
  private readonly byId = new Map<string, { seq: number; type: string }>();

  constructor(private readonly limit = 4096) {}

  /** Remember a client frame, if it carries an event id. Reads the id from the scanner, never parses. */
  add(f: Frame): void {
    const id = f.field('event_id');
    if (id === undefined) return;
    if (this.byId.size >= this.limit) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(id, { seq: f.seq, type: f.tag.variant.type });
  }

  /** The client event an error names; seq and type are null when it was not captured (or long forgotten). */
  find(eventId: unknown): ClientRef | null {
    if (typeof eventId !== 'string' || eventId === '') return null;
    const e = this.byId.get(eventId);
    return { seq: e?.seq ?? null, type: e?.type ?? null, event_id: eventId };
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The code of an error object (`code`, else `type`), as the stats count it. */
export function errorCode(err: any, fallback: string): string {
  return str(err?.code) ?? str(err?.type) ?? fallback;
}

export function errorMessage(err: any): string | null {
  return str(err?.message);
}

/** The types whose every event is an error (with `response.done` of status failed, what `--errors` selects). */
export const ERROR_EVENT_TYPES: ReadonlySet<string> = new Set([
  'error', 'conversation.item.input_audio_transcription.failed', 'response.mcp_call.failed', 'mcp_list_tools.failed',
]);

/** The code an error-only event is counted under when it carries none: its type, as a code. */
export function fallbackCode(type: string): string {
  switch (type) {
    case 'conversation.item.input_audio_transcription.failed': return 'transcription_failed';
    case 'response.mcp_call.failed': return 'mcp_call_failed';
    case 'mcp_list_tools.failed': return 'mcp_list_tools_failed';
    default: return 'unknown';
  }
}
