import type { Frame } from '../events/frame.js';

/** A function call of a response, and the output the client gave back. */
export interface ToolCall {
  call_id: string | null;
  name: string;
  arguments: string;
  output: string | null;
}

/** What the assistant said in one response, and how the response ended. */
export interface AssistantReply {
  response_id: string;
  /** Milliseconds after the first event, or null without timestamps. */
  at_ms: number | null;
  text: string;
  /** completed, cancelled, failed, incomplete; in_progress when the capture ends first. */
  status: string;
  /** cancelled / incomplete: the reason (turn_detected, client_cancelled, max_output_tokens, content_filter). */
  reason: string | null;
  /** failed: the error code (rate_limit_exceeded …). */
  error: string | null;
  calls: ToolCall[];
}

export interface Turn {
  n: number;
  at_ms: number | null;
  /** The user's words: a transcription, typed text; null for speech that was not transcribed. */
  user: { item_id: string | null; kind: 'speech' | 'text'; text: string | null } | null;
  assistant: AssistantReply[];
}

/** Text being streamed for one content part: deltas joined, replaced by the `done` text when it comes. */
interface Part { deltas: string; done: string | null }

const HANDLED = new Set([
  'input_audio_buffer.committed', 'conversation.item.create', 'conversation.item.created', 'conversation.item.added',
  'conversation.item.input_audio_transcription.delta', 'conversation.item.input_audio_transcription.completed',
  'response.created', 'response.output_text.delta', 'response.output_audio_transcript.delta', 'response.output_text.done',
  'response.output_audio_transcript.done', 'response.function_call_arguments.done', 'response.done',
]);

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function textOf(item: any): string {
  if (!Array.isArray(item?.content)) return '';
  return item.content.map((p: any) => str(p?.text) ?? str(p?.transcript) ?? '').filter(Boolean).join(' ');
}

/**
 * Builds the conversation, turn by turn, from beta and GA events alike. A turn starts with the user: a
 * committed audio buffer, or a typed message (`conversation.item.create`, or its echo as an item); responses
 * created in that turn (a reply, then the reply after a tool result) belong to it. Input transcriptions may
 * arrive late and are matched by item id.
 */
export class TranscriptBuilder {
  readonly turns: Turn[] = [];
  private t0 = NaN;
  private readonly userTurns = new Map<string, Turn>();
  private readonly userParts = new Map<string, Part>();
  private readonly replies = new Map<string, AssistantReply>();
  private readonly parts = new Map<string, Map<string, Part>>();
  private readonly calls = new Map<string, ToolCall>();
  private pendingOutputs = new Map<string, string>();

  add(f: Frame): void {
    if (f.kind !== 'event' || !f.tag.known) return;
    const type = f.tag.variant.type;
    const t = f.time;
    if (!Number.isNaN(t) && Number.isNaN(this.t0)) this.t0 = t;
    const at = Number.isNaN(t) ? null : t - this.t0;
    // Only the events named below are parsed; audio and everything else is skipped unread.
    if (!HANDLED.has(type)) return;
    const e = f.tryJson();
    if (!e) return;
    switch (type) {
      case 'input_audio_buffer.committed': {
        const id = str(e.item_id);
        if (id && !this.userTurns.has(id)) this.userTurn(at, { item_id: id, kind: 'speech', text: null });
        return;
      }
      case 'conversation.item.create': case 'conversation.item.created': case 'conversation.item.added': {
        const item = e.item;
        if (item?.type === 'function_call_output') return this.output(str(item.call_id), str(item.output));
        if (item?.type !== 'message' || item.role !== 'user') return;
        const text = textOf(item);
        const id = str(item.id);
        if (id && this.userTurns.has(id)) return; // the echo of a message we have, or of committed audio
        if (!text) return;
        // The server's echo of a client message has an id the client's own event lacked: match by text.
        const last = this.turns.at(-1);
        if (f.direction === 'server' && last?.user?.kind === 'text' && last.user.item_id === null && last.user.text === text) {
          last.user.item_id = id;
          if (id) this.userTurns.set(id, last);
          return;
        }
        this.userTurn(at, { item_id: id, kind: 'text', text });
        return;
      }
      case 'conversation.item.input_audio_transcription.delta':
      case 'conversation.item.input_audio_transcription.completed': {
        const id = str(e.item_id);
        if (!id) return;
        const part = this.userParts.get(id) ?? { deltas: '', done: null };
        if (type.endsWith('.delta')) part.deltas += str(e.delta) ?? '';
        else part.done = str(e.transcript);
        this.userParts.set(id, part);
        const turn = this.userTurns.get(id);
        if (turn?.user) turn.user.text = part.done ?? part.deltas;
        return;
      }
      case 'response.created': {
        const r = e.response;
        const id = str(r?.id);
        if (!id) return;
        const reply: AssistantReply = { response_id: id, at_ms: at, text: '', status: str(r.status) ?? 'in_progress', reason: null, error: null, calls: [] };
        this.replies.set(id, reply);
        const turn = this.turns.at(-1) ?? this.newTurn(at, null);
        turn.assistant.push(reply);
        return;
      }
      case 'response.output_text.delta': case 'response.output_audio_transcript.delta':
      case 'response.output_text.done': case 'response.output_audio_transcript.done': {
        const reply = this.replies.get(str(e.response_id) ?? '');
        if (!reply) return;
        const key = `${e.item_id}:${e.content_index}`;
        let parts = this.parts.get(reply.response_id);
        if (!parts) this.parts.set(reply.response_id, (parts = new Map()));
        const part = parts.get(key) ?? { deltas: '', done: null };
        if (type.endsWith('.delta')) part.deltas += str(e.delta) ?? '';
        else part.done = str(e.text) ?? str(e.transcript);
        parts.set(key, part);
        reply.text = [...parts.values()].map((p) => p.done ?? p.deltas).filter(Boolean).join(' ');
        return;
      }
      case 'response.function_call_arguments.done': {
        const reply = this.replies.get(str(e.response_id) ?? '');
        if (reply) this.call(reply, str(e.call_id), str(e.name) ?? '?', str(e.arguments) ?? '');
        return;
      }
      case 'response.done': {
        const r = e.response;
        const id = str(r?.id);
        if (!id) return;
        let reply = this.replies.get(id);
        if (!reply) {
          reply = { response_id: id, at_ms: at, text: '', status: 'in_progress', reason: null, error: null, calls: [] };
          (this.turns.at(-1) ?? this.newTurn(at, null)).assistant.push(reply);
        }
        reply.status = str(r.status) ?? reply.status;
        reply.reason = str(r.status_details?.reason);
        reply.error = str(r.status_details?.error?.code) ?? str(r.status_details?.error?.type);
        for (const item of Array.isArray(r.output) ? r.output : []) {
          if (item?.type === 'function_call' && !reply.calls.some((c) => c.call_id === item.call_id)) {
            this.call(reply, str(item.call_id), str(item.name) ?? '?', str(item.arguments) ?? '');
          }
        }
        // Deltas may be missing from a capture: the final items still say what was said.
        if (!reply.text) reply.text = r.output?.filter?.((i: any) => i?.type === 'message').map(textOf).filter(Boolean).join(' ') ?? '';
        this.parts.delete(id);
        return;
      }
    }
  }

  private call(reply: AssistantReply, callId: string | null, name: string, args: string): void {
    const c: ToolCall = { call_id: callId, name, arguments: args, output: null };
    reply.calls.push(c);
    if (callId) {
      this.calls.set(callId, c);
      const early = this.pendingOutputs.get(callId);
      if (early !== undefined) { c.output = early; this.pendingOutputs.delete(callId); }
    }
  }

  private output(callId: string | null, output: string | null): void {
    if (!callId || output === null) return;
    const c = this.calls.get(callId);
    if (c) c.output ??= output;
    else this.pendingOutputs.set(callId, output);
  }

  private userTurn(at: number | null, user: NonNullable<Turn['user']>): void {
    const turn = this.newTurn(at, user);
    if (user.item_id) {
      this.userTurns.set(user.item_id, turn);
      const part = this.userParts.get(user.item_id);
      if (part) user.text = part.done ?? part.deltas;
    }
  }

  private newTurn(at: number | null, user: Turn['user']): Turn {
    const turn: Turn = { n: this.turns.length + 1, at_ms: at, user, assistant: [] };
    this.turns.push(turn);
    return turn;
  }
}
