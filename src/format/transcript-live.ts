/**
 * `rtev transcript` for GPT-Live (the two voices' lines, interleaved in time on the session's audio clock) and
 * for Realtime Translation (the source and its translation side by side, aligned by `elapsed_ms`). Every
 * string from the stream is escaped here.
 */
import type { VoiceLine } from '../session/live.js';
import type { TranslationSegment } from '../session/translation.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';

/** `01:07.5` from milliseconds; blank for null. */
export function clockText(ms: number | null): string {
  if (ms === null) return '';
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

const tidy = (s: string) => escapeControls(s.replace(/\s+/g, ' ').trim());

/**
 * One Live line as text: the time on the audio clock (or since the first frame, for lines without one), the
 * voice, the words. `overlap`: how long it began before the other voice's line ended (talking over it).
 */
export function liveLineText(l: VoiceLine, p: Palette, at: number | null, overlap: number): string {
  const who = l.voice === 'user' ? 'user' : 'assistant';
  const text = l.text.trim() ? `"${tidy(l.text)}"` : p.dim('(audio, no transcript)');
  const over = overlap > 0 ? p.warn(` (over the ${l.voice === 'user' ? 'assistant' : 'user'} for ${(overlap / 1000).toFixed(2)} s)`) : '';
  return `${p.dim(clockText(l.start_ms ?? at).padEnd(8))}${p.bold(who.padEnd(10))} ${text}${over}`;
}

export function liveLineMarkdown(l: VoiceLine, at: number | null): string {
  const md = (s: string) => tidy(s).replace(/([\\`*_[\]<>|~])/g, '\\$1');
  const clock = clockText(l.start_ms ?? at);
  return `**${l.voice === 'user' ? 'User' : 'Assistant'}**${clock ? ` (${clock})` : ''}: ${l.text.trim() ? md(l.text) : '_(audio, no transcript)_'}\n`;
}

/** Words wrapped to a width (a word longer than the width is cut into pieces). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > width) {
      if (line) { out.push(line); line = ''; }
      out.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ' ' + word;
    else { out.push(line); line = word; }
  }
  if (line || !out.length) out.push(line);
  return out;
}

/** A Translation segment as two columns (source │ translation), wrapped to the line width. */
export function segmentText(s: TranslationSegment, p: Palette, width: number, at: number | null): string {
  const col = Math.max(16, Math.floor((Math.min(width, 200) - 8 - 3) / 2));
  const left = wrap(tidy(s.source), col);
  const right = wrap(tidy(s.translation), col);
  const rows: string[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const time = i === 0 ? clockText(s.start_ms ?? at) : '';
    rows.push(`${p.dim(time.padEnd(8))}${(left[i] ?? '').padEnd(col)} ${p.dim('│')} ${right[i] ?? ''}`.trimEnd());
  }
  return rows.join('\n') + '\n';
}

/** The header of the side-by-side columns: the languages when the session names them. */
export function segmentHeader(p: Palette, width: number, from: string | null, to: string | null): string {
  const col = Math.max(16, Math.floor((Math.min(width, 200) - 8 - 3) / 2));
  const name = (what: string, lang: string | null) => (lang ? `${what} (${escapeControls(lang)})` : what);
  return p.bold(`${''.padEnd(8)}${name('source', from).padEnd(col)} │ ${name('translation', to)}`) + '\n';
}

export function segmentMarkdownRow(s: TranslationSegment, at: number | null): string {
  const cell = (x: string) => tidy(x).replace(/([\\`*_[\]<>~])/g, '\\$1').replace(/\|/g, '\\|');
  return `| ${clockText(s.start_ms ?? at)} | ${cell(s.source)} | ${cell(s.translation)} |\n`;
}
