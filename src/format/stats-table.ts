import { VARIANTS, FAMILIES } from '../events/catalogue.js';
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
  out.push(`${head('latency')}${lat.length ? lat.join(' · ') : p.dim('none (the capture has no timestamps)')}`);

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

/** `rtev stats` for people: the headline first, then counts grouped by family, then the detail, with units. */
export function statsTable(s: Stats, p: Palette): string {
  const out: string[] = [];
  const head = (t: string) => p.bold(t.padEnd(12));
  const span = s.span.first === null
    ? 'no timestamps'
    : `${escapeControls(s.span.first)} → ${escapeControls(s.span.last ?? '')} (${s.span.seconds === null ? '?' : seconds(s.span.seconds)})`;
  out.push(`${head('sources')}${s.sources.map(escapeControls).join(', ')}`);
  out.push(`${head('events')}${n(s.events)}  (${n(s.directions.server)} server, ${n(s.directions.client)} client; ${n(s.unknown)} unknown, ${n(s.malformed)} malformed${s.frames.text || s.frames.binary ? `; ${n(s.frames.text)} text and ${n(s.frames.binary)} binary frames` : ''})`);
  out.push(`${head('span')}${span}`);
  out.push('');
  out.push(...headline(s, p, head));
  out.push('');

  const typeW = Math.max(20, ...Object.keys(s.types).map((t) => t.length), ...Object.keys(s.unknown_types).map((t) => t.length)) + 2;
  for (const fam of FAMILIES) {
    const rows = VARIANTS.filter((v) => v.family === fam && Object.hasOwn(s.types, v.type));
    if (!rows.length) continue;
    out.push(p.family(fam, fam));
    for (const v of rows) {
      const beta = v.aliases.filter((a) => Object.hasOwn(s.aliases, a)).map((a) => `${n(s.aliases[a]!)} as ${a}`);
      out.push(`${v.dir === 'client' ? '↑' : '↓'} ${v.type.padEnd(typeW)}${n(s.types[v.type]!).padStart(10)}${beta.length ? p.dim('  (' + beta.join(', ') + ')') : ''}`);
    }
  }
  if (s.unknown) {
    out.push(p.family('unknown', 'unknown'));
    for (const [t, c] of Object.entries(s.unknown_types)) out.push(`  ${escapeControls(t).padEnd(typeW)}${n(c).padStart(10)}`);
  }
  out.push('');

  const u = s.usage;
  out.push(`${head('tokens')}in ${n(u.input_tokens)} (text ${n(u.input_text_tokens)}, audio ${n(u.input_audio_tokens)}${u.input_image_tokens ? `, image ${n(u.input_image_tokens)}` : ''}, cached ${n(u.cached_tokens)})`);
  out.push(`${pad}out ${n(u.output_tokens)} (text ${n(u.output_text_tokens)}, audio ${n(u.output_audio_tokens)}${u.reasoning_tokens ? `; reasoning ${n(u.reasoning_tokens)} of the text` : ''})`);
  out.push(`${pad}total ${n(u.total_tokens)}; transcription ${n(u.transcription_tokens)}`);
  const outSec = s.audio.output_seconds === null
    ? (s.audio.output_bytes ? 'n/a (an unknown audio format)' : 'n/a (audio over WebRTC)')
    : seconds(s.audio.output_seconds);
  out.push(`${head('audio')}out ${outSec}, in ${s.audio.input_seconds === null ? 'n/a (an unknown audio format)' : seconds(s.audio.input_seconds)}`);
  out.push('');

  const lat: [string, LatencyStats][] = [
    ['speech stopped → response created', s.latency_ms.speech_stopped_to_response_created],
    ['response created → first delta', s.latency_ms.response_created_to_first_delta],
    ['response created → response done', s.latency_ms.response_duration],
    ['input end → first audio', s.latency_ms.first_audio],
    ['tool wait (per turn)', s.latency_ms.tool_wait],
  ];
  if (lat.every(([, l]) => l.count === 0)) out.push(`${head('latency')}${p.dim('none (the capture has no timestamps)')}`);
  else {
    out.push(`${head('latency')}${'count'.padStart(36)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'max'.padStart(10)}`);
    for (const [name, l] of lat) out.push(`  ${name.padEnd(36)}${n(l.count).padStart(8)}${ms(l.p50).padStart(10)}${ms(l.p90).padStart(10)}${ms(l.max).padStart(10)}`);
  }
  const rl = s.rate_limits;
  out.push(`${head('rate limits')}${rl.min_remaining_tokens === null && rl.min_remaining_requests === null ? 'none seen' : `lowest remaining: ${rl.min_remaining_tokens === null ? '–' : n(rl.min_remaining_tokens)} tokens, ${rl.min_remaining_requests === null ? '–' : n(rl.min_remaining_requests)} requests`}`);
  return out.join('\n') + '\n';
}
