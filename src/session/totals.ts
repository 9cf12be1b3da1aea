/**
 * Figures over many turns and sessions, from what the model hands out (turn records and session summaries):
 * counts, latency percentiles, usage and cost. `stats`, the `turns` summary line and `diff` all use it, so the
 * same capture gives the same numbers everywhere. Memory: one number per turn for each latency kind.
 */
import { addCost, emptyCost, roundCost } from './cost.js';
import type { Cost, ResponseRecord, SessionSummary, TurnRecord, Usage } from './types.js';
import { addUsage, emptyUsage } from './usage.js';

/** Latency figures of one kind, in milliseconds; null when nothing was measured (no timestamps). */
export interface LatencyStats { count: number; p50: number | null; p90: number | null; max: number | null }

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function latency(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50: null, p90: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: percentile(s, 50), p90: percentile(s, 90), max: s[s.length - 1]! };
}

/** Counts by name, safe for any name (`__proto__`, `constructor`), in first-seen order. */
export class Counts {
  readonly map = new Map<string, number>();
  add(k: string, n = 1): void {
    this.map.set(k, (this.map.get(k) ?? 0) + n);
  }
  /** As a JSON object with no prototype, so that every name is an ordinary key. */
  /** Another's counts added, in its order (a name new here comes after the ones seen). */
  merge(entries: Iterable<[string, number]>): void {
    for (const [k, n] of entries) this.add(k, n);
  }
  toObject(): Record<string, number> {
    const o: Record<string, number> = Object.create(null);
    for (const [k, v] of this.map) o[k] = v;
    return o;
  }
}

export interface TurnCounts { total: number; interrupted: number; slow: number; failed: number; short_barge_in: number; tool_dead_air: number }

type Entries = [string, number][];

/** Totals as plain data (toState, merge). */
export interface TotalsState {
  turns: TurnCounts; responses: { total: number; out_of_band: number }; usage: Usage; cost: Cost; unpriced: boolean;
  audio: Totals['audio']; transcriptionTokens: number; spanSeconds: number; unspanned: number; sessions: number; lat: Totals['lat'];
  status: Entries; cancelReasons: Entries; incompleteReasons: Entries; failCodes: Entries; errors: Entries; models: string[];
}

/** Everything stats and diff report about turns and responses, accumulated. */
export class Totals {
  readonly turns: TurnCounts = { total: 0, interrupted: 0, slow: 0, failed: 0, short_barge_in: 0, tool_dead_air: 0 };
  readonly responses = { total: 0, out_of_band: 0 };
  readonly status = new Counts();
  readonly cancelReasons = new Counts();
  readonly incompleteReasons = new Counts();
  readonly failCodes = new Counts();
  readonly usage: Usage = emptyUsage();
  private readonly cost: Cost = emptyCost();
  private unpriced = false;
  private readonly models = new Set<string>();
  readonly errors = new Counts();
  readonly audio = { output_bytes: 0, output_seconds: 0 as number | null, input_bytes: 0, input_seconds: 0 as number | null };
  transcriptionTokens = 0;
  /** Sum of the sessions' spans, in seconds (for cost per minute), and how many sessions had no timestamps. */
  spanSeconds = 0;
  unspanned = 0;
  sessions = 0;
  readonly lat = { stop: [] as number[], firstDelta: [] as number[], duration: [] as number[], response: [] as number[], firstAudio: [] as number[], toolWait: [] as number[] };

  /** Everything kept, as plain data (for a worker thread to hand over): see merge. */
  toState(): TotalsState {
    const { turns, responses, usage, cost, unpriced, audio, transcriptionTokens, spanSeconds, unspanned, sessions, lat } = this;
    return {
      turns, responses, usage, cost, unpriced, audio, transcriptionTokens, spanSeconds, unspanned, sessions, lat,
      status: [...this.status.map], cancelReasons: [...this.cancelReasons.map], incompleteReasons: [...this.incompleteReasons.map],
      failCodes: [...this.failCodes.map], errors: [...this.errors.map], models: [...this.models],
    };
  }

  /** The totals of later turns and sessions (another source's), added as if they had been added here. */
  merge(s: TotalsState): void {
    for (const k of Object.keys(this.turns) as (keyof TurnCounts)[]) this.turns[k] += s.turns[k];
    this.responses.total += s.responses.total;
    this.responses.out_of_band += s.responses.out_of_band;
    this.status.merge(s.status);
    this.cancelReasons.merge(s.cancelReasons);
    this.incompleteReasons.merge(s.incompleteReasons);
    this.failCodes.merge(s.failCodes);
    this.errors.merge(s.errors);
    addUsage(this.usage, s.usage);
    addCost(this.cost, s.cost);
    this.unpriced ||= s.unpriced;
    for (const m of s.models) this.models.add(m);
    this.addAudio(s.audio);
    this.transcriptionTokens += s.transcriptionTokens;
    this.spanSeconds += s.spanSeconds;
    this.unspanned += s.unspanned;
    this.sessions += s.sessions;
    // The percentiles need every value (one per turn or response, as kept here).
    for (const k of Object.keys(this.lat) as (keyof Totals['lat'])[]) for (const v of s.lat[k]) this.lat[k].push(v);
  }

  /** Audio bytes add up; seconds too, unless either side cannot tell them (an unknown format): then null. */
  private addAudio(b: Totals['audio']): void {
    const a = this.audio;
    a.output_bytes += b.output_bytes;
    a.input_bytes += b.input_bytes;
    a.output_seconds = a.output_seconds === null || b.output_seconds === null ? null : a.output_seconds + b.output_seconds;
    a.input_seconds = a.input_seconds === null || b.input_seconds === null ? null : a.input_seconds + b.input_seconds;
  }

  addTurn(rec: Pick<TurnRecord, 'turn'> & { responses: readonly Pick<ResponseRecord, 'out_of_band' | 'status' | 'status_reason' | 'usage' | 'cost' | 'latency_ms'>[] }): void {
    const t = rec.turn;
    const c = this.turns;
    c.total++;
    for (const f of t.flags) if (f !== 'no_response') c[f]++;
    if (t.latency_ms.response !== null) {
      this.lat.response.push(t.latency_ms.response);
      if (t.input === 'speech') this.lat.stop.push(t.latency_ms.response);
    }
    if (t.latency_ms.first_audio !== null) this.lat.firstAudio.push(t.latency_ms.first_audio);
    if (t.latency_ms.tool_wait !== null) this.lat.toolWait.push(t.latency_ms.tool_wait);
    for (const r of rec.responses) {
      this.responses.total++;
      if (r.out_of_band) this.responses.out_of_band++;
      this.status.add(r.status);
      if (r.status === 'cancelled') this.cancelReasons.add(r.status_reason ?? 'unknown');
      if (r.status === 'incomplete') this.incompleteReasons.add(r.status_reason ?? 'unknown');
      if (r.status === 'failed') this.failCodes.add(r.status_reason ?? 'unknown');
      if (r.usage) {
        addUsage(this.usage, r.usage);
        if (r.cost) addCost(this.cost, r.cost);
        else this.unpriced = true;
      }
      if (!r.out_of_band) {
        if (r.latency_ms.first_delta !== null) this.lat.firstDelta.push(r.latency_ms.first_delta);
        if (r.latency_ms.duration !== null) this.lat.duration.push(r.latency_ms.duration);
      }
    }
  }

  addSession(s: SessionSummary): void {
    this.sessions++;
    if (s.model !== null) this.models.add(s.model);
    for (const [code, n] of s.errors) this.errors.add(code, n);
    this.addAudio(s.audio);
    this.transcriptionTokens += s.transcription_tokens;
    if (s.span.first !== null && s.span.last !== null) {
      const secs = (Date.parse(s.span.last) - Date.parse(s.span.first)) / 1000;
      if (Number.isFinite(secs)) this.spanSeconds += secs;
      else this.unspanned++;
    } else {
      this.unspanned++;
    }
  }

  /** The cost so far, or null when some usage has no price. `model`: the sessions' models, comma-separated. */
  costUsd(): (Cost & { model: string | null }) | null {
    if (this.unpriced) return null;
    return { ...roundCost(this.cost), model: this.models.size ? [...this.models].join(', ') : null };
  }
}
