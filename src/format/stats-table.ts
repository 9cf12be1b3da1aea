import { VARIANTS, FAMILIES } from '../events/catalogue.js';
import type { LatencyStats, Stats } from '../pipeline/tally.js';
import type { Palette } from './palette.js';
import { escapeControls } from './escape.js';
import { seconds } from './summary.js';

// Thousands separators by hand: toLocaleString would load ICU data, which costs more than the run on small inputs.
const n = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const ms = (x: number | null) => (x === null ? '–' : x < 10000 ? `${Math.round(x)} ms` : seconds(x / 1000));
const list = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${escapeControls(k)} ${n(v)}`).join(', ');

/** `rtev stats` for people: aligned, grouped by family, with units. */
export function statsTable(s: Stats, p: Palette): string {
  const out: string[] = [];
  const head = (t: string) => p.bold(t.padEnd(12));
  const span = s.span.first === null
    ? 'no timestamps'
    : `${s.span.first} → ${s.span.last} (${seconds(s.span.seconds ?? 0)})`;
  out.push(`${head('sources')}${s.sources.map(escapeControls).join(', ')}`);
  out.push(`${head('events')}${n(s.events)}  (${n(s.directions.server)} server, ${n(s.directions.client)} client; ${n(s.unknown)} unknown, ${n(s.malformed)} malformed${s.frames.text || s.frames.binary ? `; ${n(s.frames.text)} text and ${n(s.frames.binary)} binary frames` : ''})`);
  out.push(`${head('span')}${span}`);
  out.push('');

  const typeW = Math.max(20, ...Object.keys(s.types).map((t) => t.length), ...Object.keys(s.unknown_types).map((t) => t.length)) + 2;
  for (const fam of FAMILIES) {
    const rows = VARIANTS.filter((v) => v.family === fam && s.types[v.type]);
    if (!rows.length) continue;
    out.push(p.family(fam, fam));
    for (const v of rows) {
      const beta = v.aliases.filter((a) => s.aliases[a]).map((a) => `${n(s.aliases[a]!)} as ${a}`);
      out.push(`${v.dir === 'client' ? '↑' : '↓'} ${v.type.padEnd(typeW)}${n(s.types[v.type]!).padStart(10)}${beta.length ? p.dim('  (' + beta.join(', ') + ')') : ''}`);
    }
  }
  if (s.unknown) {
    out.push(p.family('unknown', 'unknown'));
    for (const [t, c] of Object.entries(s.unknown_types)) out.push(`  ${escapeControls(t).padEnd(typeW)}${n(c).padStart(10)}`);
  }
  out.push('');

  const r = s.responses;
  const parts = Object.entries(r.status).map(([st, c]) => {
    const why = st === 'cancelled' ? r.cancel_reasons : st === 'failed' ? r.fail_codes : st === 'incomplete' ? r.incomplete_reasons : null;
    return `${n(c)} ${escapeControls(st)}${why && Object.keys(why).length ? ` (${list(why)})` : ''}`;
  });
  out.push(`${head('responses')}${n(r.total)}${parts.length ? ': ' + parts.join(', ') : ''}`);
  const u = s.usage;
  out.push(`${head('tokens')}in ${n(u.input_tokens)} (text ${n(u.input_text_tokens)}, audio ${n(u.input_audio_tokens)}, cached ${n(u.cached_tokens)})`);
  out.push(`${' '.repeat(12)}out ${n(u.output_tokens)} (text ${n(u.output_text_tokens)}, audio ${n(u.output_audio_tokens)})`);
  out.push(`${' '.repeat(12)}total ${n(u.total_tokens)}; transcription ${n(u.transcription_tokens)}`);
  out.push(`${head('audio')}out ${seconds(s.audio.output_seconds)}, in ${seconds(s.audio.input_seconds)}`);
  out.push('');

  const lat: [string, LatencyStats][] = [
    ['speech stopped → response created', s.latency_ms.speech_stopped_to_response_created],
    ['response created → first delta', s.latency_ms.response_created_to_first_delta],
    ['response created → response done', s.latency_ms.response_duration],
  ];
  if (lat.every(([, l]) => l.count === 0)) out.push(`${head('latency')}${p.dim('none (the capture has no timestamps)')}`);
  else {
    out.push(`${head('latency')}${'count'.padStart(36)}${'p50'.padStart(10)}${'p90'.padStart(10)}${'max'.padStart(10)}`);
    for (const [name, l] of lat) out.push(`  ${name.padEnd(36)}${n(l.count).padStart(8)}${ms(l.p50).padStart(10)}${ms(l.p90).padStart(10)}${ms(l.max).padStart(10)}`);
  }
  out.push('');
  out.push(`${head('errors')}${Object.keys(s.errors).length ? p.error(list(s.errors)) : 'none'}`);
  const rl = s.rate_limits;
  out.push(`${head('rate limits')}${rl.min_remaining_tokens === null && rl.min_remaining_requests === null ? 'none seen' : `lowest remaining: ${rl.min_remaining_tokens === null ? '–' : n(rl.min_remaining_tokens)} tokens, ${rl.min_remaining_requests === null ? '–' : n(rl.min_remaining_requests)} requests`}`);
  return out.join('\n') + '\n';
}
