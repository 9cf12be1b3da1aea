/**
 * Two captures (or two groups of captures) side by side: the figures `rtev diff` compares, made from the turn
 * model's totals, and every configuration setting that differs.
 */
import { summarizeConfig } from './config.js';
import { latency, type Totals } from './totals.js';
import type { SessionSummary } from './types.js';

/** What one side of a diff measures. Null where the captures cannot tell (no timestamps, no price). */
export interface GroupFigures {
  sources: string[];
  sessions: number;
  turns: number;
  first_audio_p50_ms: number | null;
  first_audio_p90_ms: number | null;
  response_p50_ms: number | null;
  response_p90_ms: number | null;
  interrupted_pct: number | null;
  failed_pct: number | null;
  tokens_per_turn: number | null;
  cost_per_turn_usd: number | null;
  cost_per_minute_usd: number | null;
  output_audio_seconds: number | null;
  /** Each setting's value in the group's sessions (as in force at their end); several values joined by " | ". */
  config: Record<string, string>;
}

export type Metric = Exclude<keyof GroupFigures, 'sources' | 'sessions' | 'config'>;
export const METRICS: readonly Metric[] = [
  'turns', 'first_audio_p50_ms', 'first_audio_p90_ms', 'response_p50_ms', 'response_p90_ms', 'interrupted_pct', 'failed_pct',
  'tokens_per_turn', 'cost_per_turn_usd', 'cost_per_minute_usd', 'output_audio_seconds',
];

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const per = (x: number, n: number, digits: number) => (n > 0 ? round(x / n, digits) : null);

/** The settings compared, as strings (null-safe): model, voice, formats, turn detection, transcription, tools. */
function settings(config: Record<string, unknown> | null): Record<string, string> {
  const c = summarizeConfig(config ?? {});
  const td = c.turn_detection;
  const v = (x: unknown) => (x === null || x === undefined ? '–' : String(x));
  return {
    model: v(c.model),
    voice: v(c.voice),
    'input format': v(c.input_format),
    'output format': v(c.output_format),
    'turn detection': td ? td.type : 'off',
    'turn detection threshold': v(td?.threshold),
    'turn detection silence_ms': v(td?.silence_duration_ms),
    'turn detection prefix_ms': v(td?.prefix_padding_ms),
    'turn detection eagerness': v(td?.eagerness),
    transcription: c.transcription ?? 'off',
    'noise reduction': c.noise_reduction ?? 'off',
    tools: c.tools.length ? c.tools.join(', ') : 'none',
    instructions: c.instructions === null ? '–' : c.instructions.split('\n')[0]!,
  };
}

export function groupFigures(sources: string[], t: Totals, sessions: readonly SessionSummary[]): GroupFigures {
  const fa = latency(t.lat.firstAudio);
  const resp = latency(t.lat.response);
  const n = t.turns.total;
  const cost = t.costUsd();
  const values = new Map<string, string[]>();
  for (const s of sessions) {
    for (const [k, v] of Object.entries(settings(s.config))) {
      const list = values.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      values.set(k, list);
    }
  }
  const config: Record<string, string> = Object.create(null);
  for (const [k, list] of values) config[k] = list.join(' | ');
  return {
    sources,
    sessions: t.sessions,
    turns: n,
    first_audio_p50_ms: fa.p50,
    first_audio_p90_ms: fa.p90,
    response_p50_ms: resp.p50,
    response_p90_ms: resp.p90,
    interrupted_pct: per(100 * t.turns.interrupted, n, 1),
    failed_pct: per(100 * t.turns.failed, n, 1),
    tokens_per_turn: per(t.usage.total_tokens, n, 1),
    cost_per_turn_usd: cost ? per(cost.total, n, 6) : null,
    // Only when every session has a time span: a session without timestamps would add cost but no minutes.
    cost_per_minute_usd: cost && t.spanSeconds > 0 && t.unspanned === 0 ? round(cost.total / (t.spanSeconds / 60), 6) : null,
    output_audio_seconds: t.audio.output_seconds === null ? null : round(t.audio.output_seconds, 3),
    config,
  };
}

export interface Diff {
  a: GroupFigures;
  b: GroupFigures;
  /** Every metric, with B − A and its percentage of A (null when either side is null, or A is 0). */
  changes: { metric: Metric; a: number | null; b: number | null; delta: number | null; delta_pct: number | null }[];
  /** The settings whose values differ. */
  config: { setting: string; a: string; b: string }[];
}

export function diffGroups(a: GroupFigures, b: GroupFigures): Diff {
  const changes = METRICS.map((metric) => {
    const x = a[metric];
    const y = b[metric];
    const delta = x === null || y === null ? null : round(y - x, 6);
    return { metric, a: x, b: y, delta, delta_pct: delta === null || x === 0 || x === null ? null : round((100 * delta) / x!, 1) };
  });
  const keys = [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])];
  const config = keys
    .map((setting) => ({ setting, a: a.config[setting] ?? '–', b: b.config[setting] ?? '–' }))
    .filter((c) => c.a !== c.b);
  return { a, b, changes, config };
}
