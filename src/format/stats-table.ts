import { catalogueOf, FAMILIES, PROTOCOLS } from '../events/catalogue.js';
import type { LatencyStats, Stats } from '../pipeline/tally.js';
import type { Palette } from './palette.js';
import { escapeControls } from './escape.js';
import { ms, seconds, thousands as n, usd } from './summary.js';

const list = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${escapeControls(k)} ${n(v)}`).join(', ');
const pad = ' '.repeat(12);

/** The headline: what a user asks first about a call (responses, turns, latency, cost, errors). */
export function headline(s: Stats, p: Palette, head: (t: string) => string): string[] {
  const out: string[] = [];
  const r = s.responses;
  const parts = Object.entries(r.status).map(([st, c]) => {
    const why = st === 'cancelled' ? r.cancel_reasons : st === 'failed' ? r.fail_codes : st === 'incomplete' ? r.incomplete_reasons : null;
    const text = `${n(c)} ${escapeControls(st)}${why && Object.keys(why).length ? ` (${list(why)})` : ''}`;
    return st === 'failed' ? p.error(text) : st === 'completed' ? text : p.warn(text);
  });
  if (r.out_of_band) parts.push(`${n(r.out_of_band)} out of band`);
  out.push(`${head('responses')}${n(r.total)}${parts.length ? ': ' + parts.join(', ') : ''}`);

  const t = s.turns;
  const tp = [`${n(t.interrupted)} interrupted`, `${n(t.slow)} slow`, `${n(t.failed)} failed`];
  if (t.short_barge_in) tp.push(`${n(t.short_barge_in)} short barge-in`);
  if (t.tool_dead_air) tp.push(`${n(t.tool_dead_air)} tool dead air`);
  out.push(`${head('turns')}${n(t.total)}: ${tp.join(', ')}`);

  const l = s.latency_ms;
  const pq = (x: LatencyStats) => `p50 ${ms(x.p50)}, p90 ${ms(x.p90)}`;
  const lat = [
    l.first_audio.count ? `first audio ${pq(l.first_audio)}` : null,
    l.speech_stopped_to_response_created.count ? `response ${pq(l.speech_stopped_to_response_created)}` : null,
    l.tool_wait.count ? `tool wait ${pq(l.tool_wait)}` : null,
  ].filter(Boolean);
  const why = s.span.first === null ? 'the capture has no timestamps' : r.total === 0 ? 'no responses' : 'no response it could time';
  out.push(`${head('latency')}${lat.length ? lat.join(' · ') : p.dim(`none (${why})`)}`);

  const c = s.cost_usd;
  if (c === null) out.push(`${head('cost')}${p.warn('unknown: a model without a price (pass --prices FILE)')}`);
  else {
    const by = [['text in', c.input_text], ['audio in', c.input_audio], ['image in', c.input_image], ['cached', c.cached], ['text out', c.output_text], ['audio out', c.output_audio]]
      .filter(([, v]) => v).map(([k, v]) => `${k} ${usd(v as number)}`);
    out.push(`${head('cost')}${usd(c.total)}${c.model ? ` for ${escapeControls(c.model)}` : ''}${by.length ? p.dim(` (${by.join(', ')})`) : ''}`);
  }
  out.push(`${head('errors')}${Object.keys(s.errors).length ? p.error(list(s.errors)) : 'none'}`);
  return out;
}

const PROTOCOL_NAMES: Record<Stats['protocol'], string> = {
  realtime: 'Realtime API', live: 'GPT-Live (/v1/live/sessions)', translation: 'Realtime Translation (/v1/realtime/translations)', mixed: 'several',
};

/** GPT-Live's headline: usage, the two voices' turns, how the session closed, errors. */
function liveHeadline(s: Stats, p: Palette, head: (t: string) => string): string[] {
  const l = s.live!;
  const ctx = l.context_window.max_ratio === null ? '' : ` · context window ${pct(l.context_window.last_ratio)} (max ${pct(l.context_window.max_ratio)})`;
  const out = [`${head('usage')}${l.usage_seconds === null ? 'not reported' : `${seconds(l.usage_seconds)} of audio`}${ctx}`];
  const t = l.turns;
  const parts = [`${n(t.total)}`];
  if (l.gap_ms.count) parts.push(`gap p50 ${ms(l.gap_ms.p50)}, p90 ${ms(l.gap_ms.p90)}`);
  const flags = [[t.barge_in, 'barge-in', 'barge-ins'], [t.talked_over, 'talked over', 'talked over'], [t.long_gap, 'long gap', 'long gaps'], [t.no_answer, 'no answer', 'no answer']]
    .filter(([c]) => c).map(([c, one, many]) => `${n(c as number)} ${c === 1 ? one : many}`);
  if (l.overlap_ms.count) flags[0] += ` (overlap p50 ${ms(l.overlap_ms.p50)})`; // barge-ins come first
  out.push(`${head('turns')}${parts.join(': ')}${flags.length ? ' · ' + p.warn(flags.join(', ')) : ''}`);
  if (l.delegations) out.push(`${head('delegated')}${n(l.delegations)} to a Responses model`);
  const closed = Object.entries(l.closed);
  out.push(`${head('closed')}${closed.length ? closed.map(([r, c]) => `${escapeControls(r)}${c > 1 ? ` ×${c}` : ''}`).map((x) => (/^(content|connection_lost)/.test(x) ? p.error(x) : x)).join(', ') : p.dim('no session.closed')}`);
  return out;
}

/** Realtime Translation's headline: languages, how much was translated. */
function translationHeadline(s: Stats, head: (t: string) => string): string[] {
  const t = s.translation!;
  const langs = (l: string[]) => (l.length ? l.map(escapeControls).join(', ') : '?');
  return [
    `${head('languages')}${langs(t.languages.input)} → ${langs(t.languages.output)}`,
    `${head('translated')}${t.seconds_translated === null ? 'nothing' : `${seconds(t.seconds_translated)} of speech`} in ${n(t.segments)} segment${t.segments === 1 ? '' : 's'}`,
  ];
}

const pct = (r: number | null) => (r === null ? '?' : `${(r * 100).toFixed(1)}%`);

function audioLine(s: Stats, head: (t: string) => string): string {
  const outSec = s.audio.output_seconds === null
    ? (s.audio.output_bytes ? 'n/a (an unknown audio format)' : 'n/a (audio over WebRTC)')
    : seconds(s.audio.output_seconds);
  return `${head('audio')}out ${outSec}, in ${s.audio.input_seconds === null ? 'n/a (an unknown audio format)' : seconds(s.audio.input_seconds)}`;
}

/** `rtev stats` for people: the headline first, then counts grouped by family, then the detail, with units. */
export function statsTable(s: Stats, p: Palette): string {
  const out: string[] = [];
  const head = (t: string) => p.bold(t.padEnd(12));
  const span = s.span.first === null
    ? 'no timestamps'
    : `${escapeControls(s.span.first)} → ${escapeControls(s.span.last ?? '')} (${s.span.seconds === null ? '?' : seconds(s.span.seconds)})`;
  // Realtime's own table is as it always was; the other protocols say which they are, and have headlines of their own.
  const realtime = s.protocol === 'realtime' || (s.protocol === 'mixed' && (s.responses.total > 0 || s.turns.total > 0));
  out.push(`${head('sources')}${s.sources.map(escapeControls).join(', ')}`);
  if (s.protocol !== 'realtime') out.push(`${head('protocol')}${PROTOCOL_NAMES[s.protocol]}`);
  out.push(`${head('events')}${n(s.events)}  (${n(s.directions.server)} server, ${n(s.directions.client)} client; ${n(s.unknown)} unknown, ${n(s.malformed)} malformed${s.frames.text || s.frames.binary ? `; ${n(s.frames.text)} text and ${n(s.frames.binary)} binary frames` : ''})`);
  out.push(`${head('span')}${span}`);
  out.push('');
  if (realtime) out.push(...headline(s, p, head));
  else {
    if (s.live) out.push(...liveHeadline(s, p, head));
    if (s.translation) out.push(...translationHeadline(s, head));
    out.push(`${head('errors')}${Object.keys(s.errors).length ? p.error(list(s.errors)) : 'none'}`);
  }
  out.push('');

  const typeW = Math.max(20, ...Object.keys(s.types).map((t) => t.length), ...Object.keys(s.unknown_types).map((t) => t.length)) + 2;
  // The variants of the protocols read, each type once (a type of both directions shows as the client's).
  const protocols = s.protocol === 'mixed' ? PROTOCOLS : [s.protocol];
  const variants = protocols.flatMap((pr) => catalogueOf(pr).variants);
  const shown = new Set<string>();
  for (const fam of FAMILIES) {
    const rows = variants.filter((v) => v.family === fam && Object.hasOwn(s.types, v.type) && !shown.has(v.type) && (shown.add(v.type), true));
    if (!rows.length) continue;
    out.push(p.family(fam, fam));
    for (const v of rows) {
      const beta = v.aliases.filter((a) => Object.hasOwn(s.aliases, a)).map((a) => `${n(s.aliases[a]!)} as ${a}`);
      // GPT-Live's session.input_audio.append is both the client's audio and a sideband's reflection of it.
      const both = variants.some((x) => x.type === v.type && x.dir !== v.dir);
      out.push(`${both ? '↕' : v.dir === 'client' ? '↑' : '↓'} ${v.type.padEnd(typeW)}${n(s.types[v.type]!).padStart(10)}${beta.length ? p.dim('  (' + beta.join(', ') + ')') : ''}`);
    }
  }
  if (s.unknown) {
    out.push(p.family('unknown', 'unknown'));
    for (const [t, c] of Object.entries(s.unknown_types)) out.push(`  ${escapeControls(t).padEnd(typeW)}${n(c).padStart(10)}`);
  }
  const nested = Object.entries(s.live?.nested_types ?? {});
  if (nested.length) {
    // Responses-API events inside GPT-Live's response.event, counted by their own type.
    out.push(p.family('delegation', 'inside response.event'));
    for (const [t, c] of nested.sort((a, b) => b[1] - a[1])) out.push(`↓ ${('  ' + escapeControls(t)).padEnd(typeW)}${n(c).padStart(10)}`);
  }
  out.push('');

  if (!realtime) {
    out.push(audioLine(s, head));
    return out.join('\n') + '\n';
  }
  const u = s.usage;
  out.push(`${head('tokens')}in ${n(u.input_tokens)} (text ${n(u.input_text_tokens)}, audio ${n(u.input_audio_tokens)}${u.input_image_tokens ? `, image ${n(u.input_image_tokens)}` : ''}, cached ${n(u.cached_tokens)})`);
  out.push(`${pad}out ${n(u.output_tokens)} (text ${n(u.output_text_tokens)}, audio ${n(u.output_audio_tokens)}${u.reasoning_tokens ? `; reasoning ${n(u.reasoning_tokens)} of the text` : ''})`);
  out.push(`${pad}total ${n(u.total_tokens)}; transcription ${n(u.transcription_tokens)}`);
  out.push(audioLine(s, head));
  out.push('');

  const lat: [string, LatencyStats][] = [
    ['speech stopped → response created', s.latency_ms.speech_stopped_to_response_created],
    ['response created → first delta', s.latency_ms.response_created_to_first_delta],
    ['response created → response done', s.latency_ms.response_duration],
    ['input end → first audio', s.latency_ms.first_audio],
    ['tool wait (per turn)', s.latency_ms.tool_wait],
  ];
  // None at all: the headline said so already.
  if (lat.some(([, l]) => l.count > 0)) {
    out.push(`${head('latency')}${'count'.padStart(36)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'max'.padStart(10)}`);
    for (const [name, l] of lat) out.push(`  ${name.padEnd(36)}${n(l.count).padStart(8)}${ms(l.p50).padStart(10)}${ms(l.p90).padStart(10)}${ms(l.max).padStart(10)}`);
  }
  const rl = s.rate_limits;
  out.push(`${head('rate limits')}${rl.min_remaining_tokens === null && rl.min_remaining_requests === null ? 'none seen' : `lowest remaining: ${rl.min_remaining_tokens === null ? '–' : n(rl.min_remaining_tokens)} tokens, ${rl.min_remaining_requests === null ? '–' : n(rl.min_remaining_requests)} requests`}`);
  return out.join('\n') + '\n';
}
