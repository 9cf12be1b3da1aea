import type { Frame } from '../events/frame.js';
import { PriceBook } from '../session/cost.js';
import { errorCode } from '../session/errors.js';
import { SessionModels } from '../session/model.js';
import { Counts, latency, Totals, type LatencyStats, type TurnCounts } from '../session/totals.js';
import type { ConfigEntry, SessionSummary, TurnRecord } from '../session/types.js';

export type { LatencyStats } from '../session/totals.js';

/** The documented shape of `rtev stats --json` (README, "stats --json keys"). */
export interface Stats {
  sources: string[];
  events: number;
  malformed: number;
  unknown: number;
  frames: { text: number; binary: number };
  directions: { server: number; client: number };
  span: { first: string | null; last: string | null; seconds: number | null };
  types: Record<string, number>;
  unknown_types: Record<string, number>;
  aliases: Record<string, number>;
  responses: {
    total: number;
    status: Record<string, number>;
    cancel_reasons: Record<string, number>;
    incomplete_reasons: Record<string, number>;
    fail_codes: Record<string, number>;
    out_of_band: number;
  };
  turns: TurnCounts;
  usage: {
    input_tokens: number; output_tokens: number; total_tokens: number; cached_tokens: number;
    input_text_tokens: number; input_audio_tokens: number; input_image_tokens: number;
    output_text_tokens: number; output_audio_tokens: number; reasoning_tokens: number;
    transcription_tokens: number;
  };
  /** Seconds are null when audio went over WebRTC (no deltas) or in a format rtev does not know. */
  audio: { output_seconds: number | null; input_seconds: number | null; output_bytes: number; input_bytes: number };
  latency_ms: {
    speech_stopped_to_response_created: LatencyStats;
    response_created_to_first_delta: LatencyStats;
    response_duration: LatencyStats;
    first_audio: LatencyStats;
    tool_wait: LatencyStats;
  };
  cost_usd: {
    total: number; input_text: number; input_audio: number; cached: number; output_text: number; output_audio: number;
    input_image: number; model: string | null;
  } | null;
  errors: Record<string, number>;
  rate_limits: { min_remaining_tokens: number | null; min_remaining_requests: number | null };
}

export interface TallyOptions {
  prices?: PriceBook;
  slowMs?: number;
  /** What the turn model could not tell (said once per session). */
  onNote?(text: string): void;
  /** Readers of the same model (the report): each turn and configuration step, as the model hands them out. */
  onTurn?(t: TurnRecord): void;
  onConfig?(e: ConfigEntry): void;
  /** Keep what the assistant said on each response (for a transcript). */
  keepText?: boolean;
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/**
 * Counts and measures a capture, frame by frame, in bounded memory. Counting frames by type happens here;
 * everything about turns, responses, latency, usage, audio, cost and errors comes from the turn model
 * (src/session/), which this feeds. Only the few events whose inside matters are parsed.
 */
export class Tally {
  private events = 0;
  private unknown = 0;
  private readonly frames = { text: 0, binary: 0 };
  private readonly directions = { server: 0, client: 0 };
  private first: string | null = null;
  private last: string | null = null;
  private readonly types = new Counts();
  private readonly unknownTypes = new Counts();
  private readonly aliases = new Counts();
  /** Errors of protocols the turn model does not read (GPT-Live, Translation): `error` events by code. */
  private readonly otherErrors = new Counts();
  private readonly rateLimits: Stats['rate_limits'] = { min_remaining_tokens: null, min_remaining_requests: null };
  private readonly totals = new Totals();
  private readonly models: SessionModels;
  private done = false;

  constructor(o: TallyOptions = {}) {
    this.models = new SessionModels({
      prices: o.prices ?? new PriceBook(), slowMs: o.slowMs, onNote: o.onNote, keepText: o.keepText, onConfig: o.onConfig,
      onTurn: (t) => {
        this.totals.addTurn(t);
        o.onTurn?.(t);
      },
    });
  }

  add(f: Frame): void {
    if (f.kind !== 'event') {
      this.frames[f.kind]++;
      return;
    }
    // The span needs only the first and last timestamps: keep the strings, parse them at the end.
    const ts = f.ts;
    if (ts !== null) {
      if (this.first === null) this.first = ts;
      this.last = ts;
    }
    this.events++;
    this.directions[f.direction]++;
    const tag = f.tag;
    if (!tag.known) {
      this.unknown++;
      this.unknownTypes.add(f.type);
      return;
    }
    const type = tag.variant.type;
    this.types.add(type);
    if (tag.alias !== null) this.aliases.add(tag.alias);
    if (tag.variant.protocol !== 'realtime') {
      if (type === 'error') this.otherErrors.add(errorCode(f.tryJson()?.error, 'unknown'));
      return;
    }
    this.models.add(f);
    if (type === 'rate_limits.updated') this.rateLimit(f);
  }

  private rateLimit(f: Frame): void {
    const list = f.tryJson()?.rate_limits;
    if (!Array.isArray(list)) return;
    const rl = this.rateLimits;
    for (const l of list) {
      if (typeof l?.remaining !== 'number') continue;
      const key = l.name === 'tokens' ? 'min_remaining_tokens' : l.name === 'requests' ? 'min_remaining_requests' : null;
      if (key && (rl[key] === null || l.remaining < rl[key]!)) rl[key] = l.remaining;
    }
  }

  /** The sessions' summaries, once `result` has ended them. */
  sessions: SessionSummary[] = [];

  /** The summary. Ends the capture's sessions (their open turns are closed): call it once, at the end. */
  result(sources: string[], malformed: number): Stats {
    const t = this.totals;
    if (!this.done) {
      this.sessions = this.models.finish();
      for (const s of this.sessions) t.addSession(s);
      for (const [code, n] of this.otherErrors.map) t.errors.add(code, n);
      this.done = true;
    }
    let seconds: number | null = null;
    if (this.first !== null && this.last !== null) {
      const secs = (Date.parse(this.last) - Date.parse(this.first)) / 1000;
      seconds = Number.isNaN(secs) ? null : secs;
    }
    const u = t.usage;
    const cost = t.costUsd();
    return {
      sources,
      events: this.events,
      malformed,
      unknown: this.unknown,
      frames: { ...this.frames },
      directions: { ...this.directions },
      span: { first: this.first, last: this.last, seconds },
      types: this.types.toObject(),
      unknown_types: this.unknownTypes.toObject(),
      aliases: this.aliases.toObject(),
      responses: {
        total: t.responses.total,
        status: t.status.toObject(),
        cancel_reasons: t.cancelReasons.toObject(),
        incomplete_reasons: t.incompleteReasons.toObject(),
        fail_codes: t.failCodes.toObject(),
        out_of_band: t.responses.out_of_band,
      },
      turns: { ...t.turns },
      usage: {
        input_tokens: u.input_tokens, output_tokens: u.output_tokens, total_tokens: u.total_tokens, cached_tokens: u.cached_tokens,
        input_text_tokens: u.input_text_tokens, input_audio_tokens: u.input_audio_tokens, input_image_tokens: u.input_image_tokens,
        output_text_tokens: u.output_text_tokens, output_audio_tokens: u.output_audio_tokens, reasoning_tokens: u.reasoning_tokens,
        transcription_tokens: t.transcriptionTokens,
      },
      audio: {
        output_seconds: round3(t.audio.output_seconds), input_seconds: round3(t.audio.input_seconds),
        output_bytes: t.audio.output_bytes, input_bytes: t.audio.input_bytes,
      },
      latency_ms: {
        speech_stopped_to_response_created: latency(t.lat.stop),
        response_created_to_first_delta: latency(t.lat.firstDelta),
        response_duration: latency(t.lat.duration),
        first_audio: latency(t.lat.firstAudio),
        tool_wait: latency(t.lat.toolWait),
      },
      cost_usd: cost && {
        total: cost.total, input_text: cost.input_text, input_audio: cost.input_audio, cached: cost.cached,
        output_text: cost.output_text, output_audio: cost.output_audio, input_image: cost.input_image, model: cost.model,
      },
      errors: t.errors.toObject(),
      rate_limits: { ...this.rateLimits },
    };
  }
}
