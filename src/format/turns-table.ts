import type { Totals } from '../session/totals.js';
import { latency } from '../session/totals.js';
import type { Turn, TurnFlag } from '../session/types.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';
import { ms, seconds, thousands, usd } from './summary.js';

/** Fixed columns after the user's words: widths, and how each is made from a turn. */
const COLUMNS: [string, number, (t: Turn) => string][] = [
  ['speech', 8, (t) => (t.speech_ms === null ? '–' : seconds(t.speech_ms / 1000))],
  ['response', 9, (t) => ms(t.latency_ms.response)],
  ['1st audio', 10, (t) => ms(t.latency_ms.first_audio)],
  ['tool wait', 10, (t) => ms(t.latency_ms.tool_wait)],
  ['heard/generated', 15, (t) => heard(t)],
  ['status', 26, (t) => status(t)],
  ['tokens', 8, (t) => (t.usage ? thousands(t.usage.total_tokens) : '–')],
  ['cost', 9, (t) => (t.cost_usd === null ? '–' : usd(t.cost_usd))],
];
const RIGHT = new Set(['speech', 'response', '1st audio', 'tool wait', 'heard/generated', 'tokens', 'cost']);
const LEAD = 4 + 1 + 12 + 2; // turn number, time

export function heard(t: Turn): string {
  const { heard: h, generated: g } = t.audio_ms;
  if (g === null) return '–';
  if (h === g) return seconds(g / 1000);
  return `${h === null ? '?' : (h / 1000).toFixed(2)}/${seconds(g / 1000)}`;
}

export function status(t: Turn): string {
  if (t.status === null) return '–';
  return escapeControls(t.status_reason ? `${t.status} ${t.status_reason}` : t.status);
}

export function user(t: Turn): string {
  if (t.user_transcript !== null) return `"${escapeControls(t.user_transcript)}"`;
  return t.input === 'speech' || t.input === 'audio_commit' ? '(speech)' : t.input === 'text' ? '(empty)' : '–';
}

function clock(t: Turn): string {
  if (t.start === null) return `#${t.seq}`;
  const d = new Date(t.start);
  return Number.isNaN(d.getTime()) ? escapeControls(t.start).slice(0, 12) : d.toISOString().slice(11, 23);
}

const cut = (s: string, w: number) => (s.length > w ? s.slice(0, Math.max(1, w - 1)) + '…' : s.padEnd(w));

/**
 * Why a slow turn was slow: the largest part of its time to first audio. `server`: the end of the user's input
 * to `response.created`; `model`: the response to its first audio; `tool`: the client's function call.
 */
export function slowCause(t: Turn): { part: 'server' | 'model' | 'tool'; ms: number } | null {
  const { response, first_audio, tool_wait } = t.latency_ms;
  if (first_audio === null || response === null) return null;
  const rest = first_audio - response;
  // A tool's wait is part of the time to first audio only when nothing was said before the call.
  const tool = tool_wait !== null && tool_wait <= rest ? tool_wait : 0;
  const parts: { part: 'server' | 'model' | 'tool'; ms: number }[] = [{ part: 'server', ms: response }, { part: 'model', ms: rest - tool }];
  if (tool) parts.push({ part: 'tool', ms: tool });
  return parts.sort((a, b) => b.ms - a.ms)[0]!;
}

function flagText(t: Turn, f: TurnFlag, p: Palette): string {
  if (f === 'slow') {
    const c = slowCause(t);
    return p.warn(c ? `slow(${c.part})` : 'slow');
  }
  switch (f) {
    case 'failed': return p.error(f);
    case 'no_response': return p.dim(f);
    default: return p.warn(f);
  }
}

/** `rtev turns` for people: a header, one row per turn as it closes, and a summary line. */
export class TurnsTable {
  private readonly userW: number;

  constructor(private readonly p: Palette, width: number) {
    const fixed = LEAD + COLUMNS.reduce((a, [, w]) => a + w + 1, 0) + 12;
    this.userW = Math.max(16, Math.min(48, (Number.isFinite(width) ? width : 200) - fixed));
  }

  header(): string {
    const cols = COLUMNS.map(([name, w]) => (RIGHT.has(name) ? name.padStart(w) : name.padEnd(w))).join(' ');
    return this.p.bold(`${'#'.padStart(4)} ${'time'.padEnd(12)}  ${'user'.padEnd(this.userW)} ${cols} flags`.trimEnd());
  }

  row(t: Turn): string {
    const cols = COLUMNS.map(([name, w, make]) => {
      const v = make(t);
      const text = RIGHT.has(name) ? v.padStart(w) : cut(v, w);
      return name === 'status' && t.status === 'failed' ? this.p.error(text) : name === 'status' && t.status !== 'completed' && t.status !== null ? this.p.warn(text) : text;
    }).join(' ');
    const flags = t.flags.map((f) => flagText(t, f, this.p)).join(' ');
    return `${String(t.turn).padStart(4)} ${this.p.dim(clock(t).padEnd(12))}  ${cut(user(t), this.userW)} ${cols} ${flags}`.trimEnd();
  }

  /** The line that closes the table, with the slowest turn and where its time went. */
  summary(total: Totals, slowest: Turn | null): string {
    const c = total.turns;
    const parts = [`${thousands(c.total)} turn${c.total === 1 ? '' : 's'}: ${c.interrupted} interrupted, ${c.slow} slow, ${c.failed} failed`];
    if (c.short_barge_in) parts[0] += `, ${c.short_barge_in} short barge-in`;
    if (c.tool_dead_air) parts[0] += `, ${c.tool_dead_air} tool dead air`;
    const fa = latency(total.lat.firstAudio);
    if (fa.count) parts.push(`first audio p50 ${ms(fa.p50)}, p90 ${ms(fa.p90)}`);
    if (total.usage.total_tokens) parts.push(`${thousands(total.usage.total_tokens)} tokens`);
    const cost = total.costUsd();
    parts.push(cost ? usd(cost.total) : 'cost unknown');
    let line = parts.join(' · ');
    if (slowest && slowest.latency_ms.first_audio !== null) {
      const l = slowest.latency_ms;
      const c2 = slowCause(slowest);
      const bits = [l.response !== null ? `${ms(l.response)} to response.created` : null, l.tool_wait !== null ? `${ms(l.tool_wait)} tool wait` : null]
        .filter(Boolean).join(', ');
      line += `\nslowest: turn ${slowest.turn}, first audio ${ms(l.first_audio)}${bits ? ` (${bits})` : ''}${c2 ? `; most of it ${c2.part === 'model' ? 'in the model (response → first audio)' : c2.part === 'tool' ? 'waiting for the tool' : 'before the response was created (VAD commit, server queue)'}` : ''}`;
    }
    return this.p.bold(line);
  }
}
