/**
 * `rtev turns` for GPT-Live: one row per turn (the user's speech, then the model's), with the gap between the
 * two voices and the overlap of a barge-in instead of Realtime's response latencies; a summary line at the end.
 */
import type { LiveFlag, LiveTurn } from '../session/live.js';
import { latency } from '../session/totals.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';
import { ms, seconds, thousands } from './summary.js';
import { clockText } from './transcript-live.js';

const span = (s: { start: number; end: number } | null) => (s === null ? '–' : seconds((s.end - s.start) / 1000));

/** Fixed columns after the user's words. */
const COLUMNS: [string, number, (t: LiveTurn) => string][] = [
  ['speech', 8, (t) => span(t.user_ms)],
  ['gap', 9, (t) => ms(t.gap_ms)],
  ['answer', 8, (t) => span(t.assistant_ms)],
  ['overlap', 9, (t) => (t.overlap_ms ? ms(t.overlap_ms) : '–')],
  ['delegated', 9, (t) => (t.delegations ? String(t.delegations) : '–')],
];
const LEAD = 4 + 1 + 9 + 2;

const cut = (s: string, w: number) => (s.length > w ? s.slice(0, Math.max(1, w - 1)) + '…' : s.padEnd(w));

function flagText(f: LiveFlag, p: Palette): string {
  return f === 'no_answer' ? p.dim(f) : p.warn(f);
}

export class LiveTurnsTable {
  private readonly userW: number;
  private readonly gaps: number[] = [];
  private readonly overlaps: number[] = [];
  private readonly counts = { total: 0, barge_in: 0, talked_over: 0, long_gap: 0, no_answer: 0, delegations: 0 };

  constructor(private readonly p: Palette, width: number) {
    const fixed = LEAD + COLUMNS.reduce((a, [, w]) => a + w + 1, 0) + 12;
    this.userW = Math.max(16, Math.min(48, (Number.isFinite(width) ? width : 200) - fixed));
  }

  header(): string {
    const cols = COLUMNS.map(([name, w]) => name.padStart(w)).join(' ');
    return this.p.bold(`${'#'.padStart(4)} ${'time'.padEnd(9)}  ${'user'.padEnd(this.userW)} ${cols} flags`.trimEnd());
  }

  row(t: LiveTurn): string {
    this.counts.total++;
    this.counts.delegations += t.delegations;
    if (t.gap_ms !== null) this.gaps.push(t.gap_ms);
    if (t.overlap_ms) this.overlaps.push(t.overlap_ms);
    for (const f of t.flags) this.counts[f]++;
    const user = t.user_transcript !== null ? `"${escapeControls(t.user_transcript)}"` : '–';
    const cols = COLUMNS.map(([name, w, make]) => {
      const v = make(t).padStart(w);
      return (name === 'gap' && t.gap_ms !== null && t.gap_ms < 0) || (name === 'overlap' && t.overlap_ms) ? this.p.warn(v) : v;
    }).join(' ');
    const time = t.user_ms ? clockText(t.user_ms.start) : t.assistant_ms ? clockText(t.assistant_ms.start) : `#${t.seq}`;
    return `${String(t.turn).padStart(4)} ${this.p.dim(time.padEnd(9))}  ${cut(user, this.userW)} ${cols} ${t.flags.map((f) => flagText(f, this.p)).join(' ')}`.trimEnd();
  }

  /** The closing line: how the two voices met. */
  summary(): string {
    const c = this.counts;
    const parts = [`${thousands(c.total)} turn${c.total === 1 ? '' : 's'}`];
    const g = latency(this.gaps);
    if (g.count) parts.push(`gap p50 ${ms(g.p50)}, p90 ${ms(g.p90)}`);
    const o = latency(this.overlaps);
    parts.push(`${c.barge_in} barge-in${c.barge_in === 1 ? '' : 's'}${o.count ? ` (overlap p50 ${ms(o.p50)}, max ${ms(o.max)})` : ''}`);
    parts.push(`${c.talked_over} talked over`);
    if (c.long_gap) parts.push(`${c.long_gap} long gap${c.long_gap === 1 ? '' : 's'}`);
    if (c.delegations) parts.push(`${c.delegations} delegation${c.delegations === 1 ? '' : 's'}`);
    return this.p.bold(parts.join(' · '));
  }
}
