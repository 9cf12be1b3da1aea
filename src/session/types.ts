/**
 * The turn model's data, as every reader sees it (`turns`, `session`, `stats`, `transcript`, `diff`, and the
 * report and export to come). Times are ISO-8601 strings as the capture wrote them (null without timestamps);
 * durations are whole milliseconds; a value the capture cannot tell is null, never a guess.
 */

/** Token usage of one response, or summed over several. Absent fields count 0; non-numbers are ignored. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_text_tokens: number;
  input_audio_tokens: number;
  input_image_tokens: number;
  /** All cached input tokens (a subset of the input tokens). */
  cached_tokens: number;
  /** Cached tokens by kind. When `cached_tokens_details` is absent, every cached token counts as text. */
  cached_text_tokens: number;
  cached_audio_tokens: number;
  cached_image_tokens: number;
  output_text_tokens: number;
  output_audio_tokens: number;
  /** Reasoning tokens: part of the output text tokens (and priced as such). */
  reasoning_tokens: number;
}

/** What a response (or turn, or session) cost, in USD, by kind of token. `cached` covers every cached kind. */
export interface Cost {
  total: number;
  input_text: number;
  input_audio: number;
  input_image: number;
  cached: number;
  output_text: number;
  output_audio: number;
}

/** A client event, found by the `event_id` that an `error` names. seq and type are null when not captured. */
export interface ClientRef {
  seq: number | null;
  type: string | null;
  event_id: string;
}

/** An error in a turn: an `error` event, a failed response, transcription or MCP call. */
export interface TurnError {
  code: string;
  message: string | null;
  caused_by: ClientRef | null;
}

/** A function call, with how long the client took to send its output (`function_call_arguments.done` → output). */
export interface ToolCall {
  name: string;
  call_id: string | null;
  arguments: string;
  wait_ms: number | null;
}

export type TurnInput = 'speech' | 'text' | 'audio_commit' | 'none';
export type TurnFlag = 'slow' | 'interrupted' | 'short_barge_in' | 'tool_dead_air' | 'failed' | 'no_response';
/** The order flags are listed in. */
export const FLAGS: readonly TurnFlag[] = ['slow', 'interrupted', 'short_barge_in', 'tool_dead_air', 'failed', 'no_response'];

/** A response created outside the conversation (`conversation: "none"`), listed with its turn. */
export interface OutOfBand {
  response_id: string;
  status: string;
  cost_usd: number | null;
}

/** One turn: exactly the object `rtev turns --json` writes per line (README, "rtev turns"). */
export interface Turn {
  turn: number;
  start: string | null;
  seq: number;
  input: TurnInput;
  user_item_id: string | null;
  user_transcript: string | null;
  speech_ms: number | null;
  response_ids: string[];
  status: string | null;
  status_reason: string | null;
  latency_ms: { response: number | null; first_audio: number | null; duration: number | null; tool_wait: number | null };
  tools: ToolCall[];
  audio_ms: { generated: number | null; heard: number | null };
  interrupted: boolean;
  usage: Usage | null;
  cost_usd: number | null;
  errors: TurnError[];
  out_of_band: OutOfBand[];
  flags: TurnFlag[];
}

/** A function call with its times and output, for timelines and transcripts. */
export interface ToolRecord extends ToolCall {
  response_id: string;
  /** When the arguments were done, and when the output was sent (the client's item, else the server's echo). */
  arguments_done: string | null;
  output_sent: string | null;
  output: string | null;
}

/** One response: what the model knows of it once its turn is over. */
export interface ResponseRecord {
  response_id: string;
  turn: number;
  out_of_band: boolean;
  /** The frame that made it known (`response.created`, else its `response.done`). */
  seq: number;
  created: string | null;
  done: string | null;
  /** completed, cancelled, failed, incomplete; `unfinished` when the capture ends before its `response.done`. */
  status: string;
  /** Cancelled / incomplete: the reason; failed: the error code. */
  status_reason: string | null;
  error: { code: string; message: string | null } | null;
  /** The session's model when it was created (what it is priced by). */
  model: string | null;
  latency_ms: {
    /** response.created → the first output audio delta. */
    first_audio: number | null;
    /** response.created → the first audio, text or transcript delta. */
    first_delta: number | null;
    /** response.created → response.done. */
    duration: number | null;
  };
  /** When the first output audio arrived (a delta, or over WebRTC `output_audio_buffer.started`). */
  first_audio: string | null;
  audio_ms: { generated: number | null; heard: number | null };
  /** Assistant item ids the response produced. */
  item_ids: string[];
  usage: Usage | null;
  cost: Cost | null;
  tools: ToolRecord[];
  /** What the assistant said (transcript or text); only when the model was asked to keep text. */
  text: string | null;
}

/** An error with where it happened. */
export interface ErrorRecord extends TurnError {
  seq: number;
  ts: string | null;
  /** What reported it. */
  kind: 'error' | 'response' | 'transcription' | 'mcp';
}

/** The user's speech in a turn, on both clocks: arrival time and the server's audio clock. */
export interface Speech {
  started: string | null;
  stopped: string | null;
  audio_start_ms: number | null;
  audio_end_ms: number | null;
}

/** One turn with everything behind its figures: its responses (created order), tools, errors and speech. */
export interface TurnRecord {
  source: string;
  turn: Turn;
  responses: ResponseRecord[];
  speech: Speech | null;
  tools: ToolRecord[];
  errors: ErrorRecord[];
  /** The seq of the last frame attributed to the turn. */
  last_seq: number;
  /** Whether any of its frames passed the model's `match` test (always true without one). */
  matched: boolean;
}

/** One step of the configuration (`rtev session --json`). */
export interface ConfigEntry {
  seq: number;
  ts: string | null;
  kind: 'created' | 'update' | 'updated';
  /** created / updated: the configuration the server reports; update: what the client asked for. GA-shaped. */
  config: Record<string, unknown>;
  changes: { path: string; from: unknown; to: unknown }[];
  not_applied: { path: string; requested: unknown; applied: unknown }[];
}

/** A session as a whole, when its capture ends. */
export interface SessionSummary {
  source: string;
  session_id: string | null;
  model: string | null;
  span: { first: string | null; last: string | null };
  /** The configuration in force at the end (GA-shaped), or null without session.created/updated. */
  config: Record<string, unknown> | null;
  audio: {
    output_bytes: number;
    /** Null when audio went over WebRTC (no deltas) or in a format rtev does not know. */
    output_seconds: number | null;
    input_bytes: number;
    input_seconds: number | null;
  };
  transcription_tokens: number;
  /** Errors by code: exactly what `--errors` selects. */
  errors: Map<string, number>;
  /** What the model could not tell, said once (an unknown audio format, a model without a price). */
  notes: string[];
}
