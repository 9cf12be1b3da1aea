import type { Frame } from '../events/frame.js';
import { PriceBook } from '../session/cost.js';
import { errorCode } from '../session/errors.js';
import { SessionModels } from '../session/model.js';
import { Counts, latency, Totals, type LatencyStats, type TotalsState, type TurnCounts } from '../session/totals.js';
import type { Protocol } from '../events/catalogue.js';
import type { LiveSummary, LiveTurn } from '../session/live.js';
import type { TranslationSummary } from '../session/translation.js';
import type { ConfigEntry, SessionSummary, TurnRecord } from '../session/types.js';
import { VoiceModels, type VoiceModelOptions } from '../session/voices.js';

export type { LatencyStats } from '../session/totals.js';

/** GPT-Live's figures in `stats --json` (present when Live frames were read). */
export interface LiveStats {
  sessions: number;
  /** Seconds of Live audio, summed over sessions (each session's running total at its end). */
  usage_seconds: number | null;
  context_window: { last_ratio: number | null; max_ratio: number | null };
  /** `session.closed` reasons, by reason (`none` for a close without one). */
  closed: Record<string, number>;
  delegations: number;
  /** Responses-API events nested in `response.event`, by their own type. */
  nested_types: Record<string, number>;
  turns: { total: number; talked_over: number; barge_in: number; long_gap: number; no_answer: number };
  /** Between the two voices, per turn: the gap (user end → model start) and the overlap of a barge-in. */
  gap_ms: LatencyStats;
  overlap_ms: LatencyStats;
}

/** Realtime Translation's figures in `stats --json` (present when Translation frames were read). */
export interface TranslationStats {
  sessions: number;
  languages: { input: string[]; output: string[] };
  seconds_translated: number | null;
  segments: number;
}

/** The documented shape of `rtev stats --json` (README, "stats --json keys"). */
export interface Stats {
  sources: string[];
  /** The protocol of the events read (`mixed` when sources differ; `realtime` when nothing was read). */
  protocol: Protocol | 'mixed';
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
  live?: LiveStats;
  translation?: TranslationStats;
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
  /** GPT-Live and Translation (the report): each turn, line of a voice, and translated segment. */
  voices?: VoiceModelOptions;
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
  private firstTime = NaN;
  /** The last frame with a time: its time is read once, at the end. */
  private lastTimed: Frame | null = null;
  /** The span of the sources merged in (their earliest and latest times). */
  private merged: TallyState['span'] = null;
  private readonly mergedVoices: { live: LiveSummary[]; translation: TranslationSummary[] } = { live: [], translation: [] };
  private readonly types = new Counts();
  private readonly unknownTypes = new Counts();
  private readonly aliases = new Counts();
  /** Errors of protocols the turn model does not read (GPT-Live, Translation): `error` events by code. */
  private readonly otherErrors = new Counts();
  private readonly rateLimits: Stats['rate_limits'] = { min_remaining_tokens: null, min_remaining_requests: null };
  private readonly totals = new Totals();
  private readonly models: SessionModels;
  /** GPT-Live and Translation: their own session models (src/session/live.ts, translation.ts). */
  private readonly voices: VoiceModels;
  private readonly liveTurns: LiveTurn[] = [];
  private readonly protocols = new Set<Protocol>();
  private voiceDone: { live: LiveSummary[]; translation: TranslationSummary[] } | null = null;
  private done = false;
  /** The source of the first frame (stats --by-file names a source's tally by it). */
  source: string | null = null;

  constructor(o: TallyOptions = {}) {
    this.models = new SessionModels({
      prices: o.prices ?? new PriceBook(), slowMs: o.slowMs, onNote: o.onNote, keepText: o.keepText, onConfig: o.onConfig,
      onTurn: (t) => {
        this.totals.addTurn(t);
        o.onTurn?.(t);
      },
    });
    // One small record per Live turn (for the gap and overlap percentiles), as Totals keeps per Realtime turn.
    this.voices = new VoiceModels({
      ...o.voices,
      onTurn: (t, source) => {
        this.liveTurns.push({ ...t, user_transcript: null, assistant_transcript: null });
        o.voices?.onTurn?.(t, source);
      },
    });
  }

  add(f: Frame): void {
    this.source ??= f.source;
    if (f.kind !== 'event') {
      this.frames[f.kind]++;
      return;
    }
    // The span needs only the first and last timestamps: the last one is read at the end.
    if (f.hasTime()) {
      if (this.lastTimed === null) {
        this.first = f.ts;
        this.firstTime = f.time;
      }
      this.lastTimed = f;
    }
    this.events++;
    this.directions[f.direction]++;
    const tag = f.tag;
    this.protocols.add(tag.variant.protocol);
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
      this.voices.add(f);
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

  /** Ends the capture's sessions (their open turns are closed): once, before the summary or the state. */
  private close(): void {
    if (this.done) return;
    const t = this.totals;
    this.sessions = this.models.finish();
    for (const s of this.sessions) t.addSession(s);
    for (const [code, n] of this.otherErrors.map) t.errors.add(code, n);
    const own = this.voices.finish();
    // Their audio counts with Realtime's: the `audio` keys are every protocol's.
    for (const v of [...own.live, ...own.translation]) {
      t.audio.output_bytes += v.audio.output_bytes;
      t.audio.input_bytes += v.audio.input_bytes;
      t.audio.output_seconds = t.audio.output_seconds === null || v.audio.output_seconds === null ? null : t.audio.output_seconds + v.audio.output_seconds;
      t.audio.input_seconds = t.audio.input_seconds === null || v.audio.input_seconds === null ? null : t.audio.input_seconds + v.audio.input_seconds;
    }
    this.voiceDone = { live: [...this.mergedVoices.live, ...own.live], translation: [...this.mergedVoices.translation, ...own.translation] };
    this.done = true;
  }

  /** The earliest and the latest time read (of this tally's frames and of the sources merged in). */
  private span(): TallyState['span'] {
    let own: TallyState['span'] = null;
    if (this.first !== null && this.lastTimed?.ts != null) own = { first: this.first, firstTime: this.firstTime, last: this.lastTimed.ts, lastTime: this.lastTimed.time };
    return joinSpans(this.merged, own);
  }

  /**
   * What this tally holds, as plain data that can cross to another thread, once its sessions are ended (see
   * merge). The sessions' summaries stay here (`sessions`): stats does not print them.
   */
  toState(): TallyState {
    this.close();
    return {
      source: this.source, events: this.events, unknown: this.unknown, frames: this.frames, directions: this.directions, span: this.span(),
      types: [...this.types.map], unknownTypes: [...this.unknownTypes.map], aliases: [...this.aliases.map],
      rateLimits: this.rateLimits, totals: this.totals.toState(), liveTurns: this.liveTurns, protocols: [...this.protocols], voices: this.voiceDone!,
    };
  }

  /**
   * Another source's tally (toState), read after the ones merged so far: counts added, the span widened to the
   * earliest and the latest time, the percentiles' values kept. The summary is then the one of all of them.
   */
  merge(s: TallyState): void {
    this.source ??= s.source;
    this.events += s.events;
    this.unknown += s.unknown;
    this.frames.text += s.frames.text;
    this.frames.binary += s.frames.binary;
    this.directions.server += s.directions.server;
    this.directions.client += s.directions.client;
    this.merged = joinSpans(this.merged, s.span);
    this.types.merge(s.types);
    this.unknownTypes.merge(s.unknownTypes);
    this.aliases.merge(s.aliases);
    const rl = this.rateLimits;
    for (const k of ['min_remaining_tokens', 'min_remaining_requests'] as const) {
      const v = s.rateLimits[k];
      if (v !== null && (rl[k] === null || v < rl[k]!)) rl[k] = v;
    }
    this.totals.merge(s.totals);
    for (const t of s.liveTurns) this.liveTurns.push(t);
    for (const p of s.protocols) this.protocols.add(p);
    for (const v of s.voices.live) this.mergedVoices.live.push(v);
    for (const v of s.voices.translation) this.mergedVoices.translation.push(v);
  }

  /** The summary. Ends the capture's sessions (their open turns are closed): call it once, at the end. */
  result(sources: string[], malformed: number): Stats {
    const t = this.totals;
    this.close();
    let seconds: number | null = null;
    const span = this.span();
    const first = span?.first ?? null;
    const last = span?.last ?? null;
    if (first !== null && last !== null) {
      const secs = (Date.parse(last) - Date.parse(first)) / 1000;
      seconds = Number.isNaN(secs) ? null : secs;
    }
    const u = t.usage;
    const cost = t.costUsd();
    const protocols = [...this.protocols];
    const stats: Stats = {
      sources,
      protocol: protocols.length === 0 ? 'realtime' : protocols.length === 1 ? protocols[0]! : 'mixed',
      events: this.events,
      malformed,
      unknown: this.unknown,
      frames: { ...this.frames },
      directions: { ...this.directions },
      span: { first, last, seconds },
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
    const v = this.voiceDone!;
    if (v.live.length) stats.live = liveStats(v.live, this.liveTurns);
    if (v.translation.length) stats.translation = translationStats(v.translation);
    return stats;
  }
}

/** A tally as plain data (Tally.toState, Tally.merge). */
export interface TallyState {
  source: string | null;
  events: number; unknown: number; frames: { text: number; binary: number }; directions: { server: number; client: number };
  /** The earliest and the latest time (ISO, as read, and in ms), null without timestamps. */
  span: { first: string; firstTime: number; last: string; lastTime: number } | null;
  types: [string, number][]; unknownTypes: [string, number][]; aliases: [string, number][];
  rateLimits: Stats['rate_limits']; totals: TotalsState; liveTurns: LiveTurn[]; protocols: Protocol[];
  voices: { live: LiveSummary[]; translation: TranslationSummary[] };
}

/** Two spans as one: the earlier first, the later last (the first given wins a tie). */
function joinSpans(a: TallyState['span'], b: TallyState['span']): TallyState['span'] {
  if (!a || !b) return a ?? b;
  const early = b.firstTime < a.firstTime ? b : a;
  const late = b.lastTime > a.lastTime ? b : a;
  return { first: early.first, firstTime: early.firstTime, last: late.last, lastTime: late.lastTime };
}

const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];

function liveStats(sessions: LiveSummary[], turns: LiveTurn[]): LiveStats {
  const closed = new Counts();
  const nested = new Counts();
  let usage: number | null = null;
  for (const s of sessions) {
    if (s.closed) closed.add(s.closed.reason ?? 'none');
    for (const [t, n] of s.nested_types) nested.add(t, n);
    if (s.usage_seconds !== null) usage = (usage ?? 0) + s.usage_seconds;
  }
  const ratios = sessions.map((s) => s.context_window.max_ratio).filter((r): r is number => r !== null);
  const flag = (f: LiveTurn['flags'][number]) => turns.filter((t) => t.flags.includes(f)).length;
  return {
    sessions: sessions.length,
    usage_seconds: usage === null ? null : round3(usage),
    context_window: { last_ratio: sessions.at(-1)!.context_window.last_ratio, max_ratio: ratios.length ? Math.max(...ratios) : null },
    closed: closed.toObject(),
    delegations: sessions.reduce((n, s) => n + s.delegations, 0),
    nested_types: nested.toObject(),
    turns: { total: turns.length, talked_over: flag('talked_over'), barge_in: flag('barge_in'), long_gap: flag('long_gap'), no_answer: flag('no_answer') },
    gap_ms: latency(turns.map((t) => t.gap_ms).filter((x): x is number => x !== null)),
    overlap_ms: latency(turns.map((t) => t.overlap_ms).filter((x): x is number => x !== null && x > 0)),
  };
}

function translationStats(sessions: TranslationSummary[]): TranslationStats {
  const secs = sessions.map((s) => s.seconds_translated).filter((x): x is number => x !== null);
  return {
    sessions: sessions.length,
    languages: { input: distinct(sessions.map((s) => s.input_language)), output: distinct(sessions.map((s) => s.output_language)) },
    seconds_translated: secs.length ? round3(secs.reduce((a, b) => a + b, 0)) : null,
    segments: sessions.reduce((n, s) => n + s.segments, 0),
  };
}
