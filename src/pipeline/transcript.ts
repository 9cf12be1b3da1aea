import type { ResponseRecord, TurnRecord } from '../session/types.js';

/** A function call of a response, and the output the client gave back. */
export interface ToolCall {
  call_id: string | null;
  name: string;
  arguments: string;
  output: string | null;
}

/** What the assistant said in one response, how the response ended, and how much of its audio was heard. */
export interface AssistantReply {
  response_id: string;
  /** Milliseconds after the first event, or null without timestamps. */
  at_ms: number | null;
  text: string;
  /** completed, cancelled, failed, incomplete; unfinished when the capture ends first. */
  status: string;
  /** cancelled / incomplete: the reason (turn_detected, client_cancelled, max_output_tokens, content_filter). */
  reason: string | null;
  /** failed: the error code (rate_limit_exceeded …). */
  error: string | null;
  calls: ToolCall[];
  /** Output audio, in ms: generated, and heard (up to a truncation). Null over WebRTC (no audio in events). */
  generated_ms: number | null;
  heard_ms: number | null;
  /** The user spoke over it while it was still playing (its turn was interrupted), as the turn model says. */
  interrupted: boolean;
}

export interface TranscriptTurn {
  n: number;
  at_ms: number | null;
  /** The user's words: a transcription, typed text; null for speech that was not transcribed. */
  user: { item_id: string | null; kind: 'speech' | 'text' | 'audio_commit'; text: string | null } | null;
  assistant: AssistantReply[];
  /** Responses made outside the conversation (`conversation: "none"`), only with --all: never a reply. */
  out_of_band?: AssistantReply[];
}

const since = (ts: string | null, t0: number): number | null => {
  if (ts === null || Number.isNaN(t0)) return null;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? null : t - t0;
};

function reply(r: ResponseRecord, t0: number, interrupted: boolean): AssistantReply {
  return {
    response_id: r.response_id,
    at_ms: since(r.created, t0),
    text: r.text ?? '',
    status: r.status,
    reason: r.status === 'failed' ? null : r.status_reason,
    error: r.status === 'failed' ? r.status_reason : null,
    calls: r.tools.map((c) => ({ call_id: c.call_id, name: c.name, arguments: c.arguments, output: c.output })),
    generated_ms: r.audio_ms.generated,
    heard_ms: r.audio_ms.heard,
    interrupted,
  };
}

/**
 * A turn of the conversation, from the turn model (which keeps the text, with `keepText`): the user's words and
 * the assistant's replies in order. Out-of-band responses are left out of the dialogue (with `all`, listed apart).
 */
export function transcriptTurn(rec: TurnRecord, n: number, t0: number, all: boolean): TranscriptTurn {
  const t = rec.turn;
  const inBand = rec.responses.filter((r) => !r.out_of_band);
  const last = inBand.at(-1);
  const turn: TranscriptTurn = {
    n,
    at_ms: since(t.start, t0),
    user: t.input === 'none' ? null : { item_id: t.user_item_id, kind: t.input, text: t.user_transcript },
    assistant: inBand.map((r) => reply(r, t0, t.interrupted && r === last)),
  };
  if (all) turn.out_of_band = rec.responses.filter((r) => r.out_of_band).map((r) => reply(r, t0, false));
  return turn;
}
