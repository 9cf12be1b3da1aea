import type { Frame } from '../events/frame.js';
import { AudioFormats } from './audio-format.js';

/** Latency figures of one kind, in milliseconds; null when nothing was measured (no timestamps). */
export interface LatencyStats { count: number; p50: number | null; p90: number | null; max: number | null }

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
  };
  usage: {
    input_tokens: number; output_tokens: number; total_tokens: number; cached_tokens: number;
    input_text_tokens: number; input_audio_tokens: number; output_text_tokens: number; output_audio_tokens: number;
    transcription_tokens: number;
  };
  audio: { output_seconds: number; input_seconds: number; output_bytes: number; input_bytes: number };
  latency_ms: {
    speech_stopped_to_response_created: LatencyStats;
    response_created_to_first_delta: LatencyStats;
    response_duration: LatencyStats;
  };
  errors: Record<string, number>;
  rate_limits: { min_remaining_tokens: number | null; min_remaining_requests: number | null };
}

const bump = (m: Record<string, number>, k: string, n = 1) => { m[k] = (m[k] ?? 0) + n; };
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latency(values: number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50: null, p90: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1]! };
}


/**
 * Counts and measures a capture, frame by frame, in bounded memory: per-response state lives only until the
 * response is done, and latency samples are one number per turn. Only the few events whose inside matters
 * are parsed; audio is measured from base64 length.
 */
export class Tally {
  private readonly s: Stats = {
    sources: [], events: 0, malformed: 0, unknown: 0, frames: { text: 0, binary: 0 }, directions: { server: 0, client: 0 },
    span: { first: null, last: null, seconds: null },
    types: {}, unknown_types: {}, aliases: {},
    responses: { total: 0, status: {}, cancel_reasons: {}, incomplete_reasons: {}, fail_codes: {} },
    usage: {
      input_tokens: 0, output_tokens: 0, total_tokens: 0, cached_tokens: 0, input_text_tokens: 0, input_audio_tokens: 0,
      output_text_tokens: 0, output_audio_tokens: 0, transcription_tokens: 0,
    },
    audio: { output_seconds: 0, input_seconds: 0, output_bytes: 0, input_bytes: 0 },
    latency_ms: {
      speech_stopped_to_response_created: latency([]), response_created_to_first_delta: latency([]), response_duration: latency([]),
    },
    errors: {},
    rate_limits: { min_remaining_tokens: null, min_remaining_requests: null },
  };
  private readonly formats = new AudioFormats();
  private speechStoppedAt = NaN;
  /** Responses created and not yet done: created time, and whether a first delta was seen. */
  private readonly open = new Map<string, { created: number; sawDelta: boolean }>();
  private readonly lat = { stop: [] as number[], first: [] as number[], dur: [] as number[] };

  add(f: Frame): void {
    const s = this.s;
    if (f.kind !== 'event') {
      s.frames[f.kind]++;
      return;
    }
    // The span needs only the first and last timestamps: keep the strings, parse them at the end.
    if (f.ts !== null) {
      if (s.span.first === null) s.span.first = f.ts;
      s.span.last = f.ts;
    }
    s.events++;
    s.directions[f.direction]++;
    const tag = f.tag;
    if (!tag.known) {
      s.unknown++;
      bump(s.unknown_types, f.type);
      return;
    }
    const type = tag.variant.type;
    bump(s.types, type);
    if (tag.alias !== null) bump(s.aliases, tag.alias);

    switch (type) {
      case 'response.output_audio.delta': {
        const n = f.audioBytes();
        s.audio.output_bytes += n;
        s.audio.output_seconds += n / this.formats.of(f).bytesPerSecond;
        this.firstDelta(f);
        return;
      }
      case 'input_audio_buffer.append': {
        const n = f.audioBytes();
        s.audio.input_bytes += n;
        s.audio.input_seconds += n / this.formats.input.bytesPerSecond;
        return;
      }
      case 'response.output_text.delta': case 'response.output_audio_transcript.delta':
        this.firstDelta(f);
        return;
      case 'session.created': case 'session.updated':
        this.formats.observe(f);
        return;
      case 'input_audio_buffer.speech_stopped':
        this.speechStoppedAt = f.time;
        return;
      case 'response.created': {
        this.formats.observe(f);
        const id = f.tryJson()?.response?.id;
        const t = f.time;
        if (!Number.isNaN(t)) {
          if (!Number.isNaN(this.speechStoppedAt)) this.lat.stop.push(t - this.speechStoppedAt);
          if (typeof id === 'string') this.open.set(id, { created: t, sawDelta: false });
        }
        this.speechStoppedAt = NaN;
        return;
      }
      case 'response.done':
        return this.responseDone(f, f.time);
      case 'conversation.item.input_audio_transcription.completed': {
        const u = f.tryJson()?.usage;
        if (u?.type === 'tokens' || typeof u?.total_tokens === 'number') s.usage.transcription_tokens += num(u.total_tokens);
        return;
      }
      case 'error': {
        const err = f.tryJson()?.error;
        bump(s.errors, String(err?.code ?? err?.type ?? 'unknown'));
        return;
      }
      case 'rate_limits.updated': {
        const list = f.tryJson()?.rate_limits;
        if (!Array.isArray(list)) return;
        for (const l of list) {
          if (typeof l?.remaining !== 'number') continue;
          const key = l.name === 'tokens' ? 'min_remaining_tokens' : l.name === 'requests' ? 'min_remaining_requests' : null;
          if (key && (s.rate_limits[key] === null || l.remaining < s.rate_limits[key]!)) s.rate_limits[key] = l.remaining;
        }
        return;
      }
    }
  }

  private firstDelta(f: Frame): void {
    if (this.open.size === 0) return;
    const id = f.field('response_id');
    const r = id === undefined ? undefined : this.open.get(id);
    if (!r || r.sawDelta) return;
    r.sawDelta = true;
    const t = f.time;
    if (!Number.isNaN(t)) this.lat.first.push(t - r.created);
  }

  private responseDone(f: Frame, t: number): void {
    const s = this.s;
    const r = f.tryJson()?.response;
    s.responses.total++;
    if (!r || typeof r !== 'object') return;
    const status = String(r.status ?? 'unknown');
    bump(s.responses.status, status);
    const d = r.status_details;
    if (status === 'cancelled') bump(s.responses.cancel_reasons, String(d?.reason ?? 'unknown'));
    if (status === 'incomplete') bump(s.responses.incomplete_reasons, String(d?.reason ?? 'unknown'));
    if (status === 'failed') bump(s.responses.fail_codes, String(d?.error?.code ?? d?.error?.type ?? 'unknown'));
    const u = r.usage;
    if (u && typeof u === 'object') {
      const us = s.usage;
      us.input_tokens += num(u.input_tokens);
      us.output_tokens += num(u.output_tokens);
      us.total_tokens += num(u.total_tokens);
      us.cached_tokens += num(u.input_token_details?.cached_tokens);
      us.input_text_tokens += num(u.input_token_details?.text_tokens);
      us.input_audio_tokens += num(u.input_token_details?.audio_tokens);
      us.output_text_tokens += num(u.output_token_details?.text_tokens);
      us.output_audio_tokens += num(u.output_token_details?.audio_tokens);
    }
    const open = typeof r.id === 'string' ? this.open.get(r.id) : undefined;
    if (open) {
      if (!Number.isNaN(t)) this.lat.dur.push(t - open.created);
      this.open.delete(r.id);
    }
  }

  /** The summary so far. */
  result(sources: string[], malformed: number): Stats {
    const s: Stats = structuredClone(this.s);
    s.sources = sources;
    s.malformed = malformed;
    if (s.span.first !== null && s.span.last !== null) {
      const secs = (Date.parse(s.span.last) - Date.parse(s.span.first)) / 1000;
      s.span.seconds = Number.isNaN(secs) ? null : secs;
    }
    s.audio.output_seconds = Math.round(s.audio.output_seconds * 1000) / 1000;
    s.audio.input_seconds = Math.round(s.audio.input_seconds * 1000) / 1000;
    s.latency_ms = {
      speech_stopped_to_response_created: latency(this.lat.stop),
      response_created_to_first_delta: latency(this.lat.first),
      response_duration: latency(this.lat.dur),
    };
    return s;
  }
}
