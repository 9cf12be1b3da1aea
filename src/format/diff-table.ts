import type { Diff, Metric } from '../session/compare.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';
import { ms, seconds, thousands, usd } from './summary.js';

const LABELS: Record<Metric, string> = {
  turns: 'turns',
  first_audio_p50_ms: 'first audio p50',
  first_audio_p90_ms: 'first audio p90',
  response_p50_ms: 'response p50',
  response_p90_ms: 'response p90',
  interrupted_pct: 'interrupted',
  failed_pct: 'failed',
  tokens_per_turn: 'tokens per turn',
  cost_per_turn_usd: 'cost per turn',
  cost_per_minute_usd: 'cost per minute',
  output_audio_seconds: 'output audio',
};

/** Metrics where less is better: a drop is shown as good, a rise as bad. */
const LOWER_IS_BETTER = new Set<Metric>(['first_audio_p50_ms', 'first_audio_p90_ms', 'response_p50_ms', 'response_p90_ms', 'interrupted_pct', 'failed_pct', 'tokens_per_turn', 'cost_per_turn_usd', 'cost_per_minute_usd']);

function value(m: Metric, v: number | null): string {
  if (v === null) return '–';
  if (m.endsWith('_ms')) return ms(v);
  if (m.endsWith('_pct')) return `${v.toFixed(1)}%`;
  if (m.endsWith('_usd')) return usd(v);
  if (m === 'output_audio_seconds') return seconds(v);
  if (m === 'tokens_per_turn') return thousands(Math.round(v));
  return thousands(v);
}

function change(m: Metric, delta: number | null, pct: number | null, p: Palette): string {
  if (delta === null) return '';
  if (delta === 0) return p.dim('=');
  const sign = delta > 0 ? '+' : '−';
  const abs = Math.abs(delta);
  const amount = m.endsWith('_pct') ? `${abs.toFixed(1)} pts` : value(m, abs);
  const text = `${sign}${amount}${pct !== null && !m.endsWith('_pct') ? ` (${delta > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%)` : ''}`;
  if (!LOWER_IS_BETTER.has(m)) return text;
  return delta < 0 ? p.good(text) : p.error(text);
}

/** `rtev diff` for people: A and B side by side, with the change, then the settings that differ. */
export function diffTable(d: Diff, p: Palette): string {
  const names = (xs: string[]) => escapeControls(xs.length === 1 ? xs[0]! : `${xs.length} files`);
  const w = Math.max(18, names(d.a.sources).length + 2, ...d.config.map((c) => Math.min(40, escapeControls(c.a).length + 2)));
  const labelW = 26;
  const out: string[] = [];
  const row = (label: string, a: string, b: string, c = '') => `${label.padEnd(labelW)}${a.padEnd(w)}${b.padEnd(w)}${c}`.trimEnd();
  const cut = (s: string) => (s.length > w - 2 ? s.slice(0, w - 3) + '…' : s);
  out.push(p.bold(row('', 'A', 'B', 'change')));
  out.push(row('sources', cut(names(d.a.sources)), cut(names(d.b.sources))));
  if (d.a.sessions !== 1 || d.b.sessions !== 1) out.push(row('sessions', String(d.a.sessions), String(d.b.sessions)));
  for (const c of d.changes) out.push(row(LABELS[c.metric], value(c.metric, c.a), value(c.metric, c.b), change(c.metric, c.delta, c.delta_pct, p)));
  out.push('');
  if (!d.config.length) out.push(p.dim('configuration: no difference'));
  else {
    out.push(p.bold('configuration'));
    for (const c of d.config) out.push(row(c.setting, cut(escapeControls(c.a)), cut(escapeControls(c.b))));
  }
  return out.join('\n') + '\n';
}
