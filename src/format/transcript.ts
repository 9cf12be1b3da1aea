import type { AssistantReply, TranscriptTurn } from '../pipeline/transcript.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';
import { seconds } from './summary.js';

function clock(ms: number | null): string {
  if (ms === null) return '';
  const s = ms / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

const secs = (ms: number) => seconds(ms / 1000);

/** Some of the audio was cut off: heard less than generated. */
function cut(r: AssistantReply): boolean {
  return r.heard_ms !== null && r.generated_ms !== null && r.heard_ms < r.generated_ms;
}

/** How a reply ended, when it did not simply complete and play out: what the user heard of it. */
export function outcome(r: AssistantReply): string | null {
  const why = r.reason ? ` (${escapeControls(r.reason)})` : '';
  const heard = cut(r) ? `interrupted after ${secs(r.heard_ms!)} of ${secs(r.generated_ms!)}` : null;
  switch (r.status) {
    case 'completed':
      if (heard) return `${heard}:`;
      return r.interrupted ? 'interrupted while playing:' : null;
    case 'cancelled':
      if (heard) return `${heard}${why}:`;
      if (r.generated_ms) return `interrupted${why} after ${secs(r.generated_ms)} of audio:`;
      if (r.text) return `interrupted${why} after:`;
      return `cancelled${why || ' (no reason)'} before speaking`;
    case 'failed': return `failed: ${r.error === null ? 'no error code' : escapeControls(r.error)}`;
    case 'incomplete': return `incomplete${why || ' (no reason)'}${heard ? `, ${heard}` : ''}${r.text ? ':' : ''}`;
    default: return `${escapeControls(r.status)}${r.text ? ':' : ''}`;
  }
}

/** The text split where the audio was cut, at the same proportion of its length (on a word boundary). */
export function splitHeard(r: AssistantReply): [string, string] {
  if (!cut(r) || !r.text) return [r.text, ''];
  let i = Math.round((r.text.length * r.heard_ms!) / r.generated_ms!);
  const space = r.text.lastIndexOf(' ', i);
  if (space > 0 && i - space < 12) i = space;
  return [r.text.slice(0, i).trimEnd(), r.text.slice(i).trimStart()];
}

const q = (s: string) => `"${escapeControls(s)}"`;

function userText(t: TranscriptTurn): string {
  if (!t.user) return '';
  if (t.user.text === null || t.user.text === '') return t.user.kind === 'text' ? '(empty)' : '(speech, not transcribed)';
  return q(t.user.text);
}

/** The conversation as plain text: one block per turn. The unheard part of a cut reply is dimmed after a ✂. */
export function transcriptText(turns: TranscriptTurn[], p: Palette): string {
  const out: string[] = [];
  for (const t of turns) {
    const head = `#${t.n}`.padEnd(5) + clock(t.at_ms).padEnd(8);
    const pad = ' '.repeat(head.length);
    let first = true;
    const line = (who: string, text: string) => {
      out.push(`${first ? p.dim(head) : pad}${who.padEnd(10)} ${text}`.trimEnd());
      first = false;
    };
    if (t.user) line(p.bold('user'), userText(t));
    const replies = (list: AssistantReply[], who: string) => {
      for (const r of list) {
        const how = outcome(r);
        const [heard, rest] = splitHeard(r);
        const said = !r.text ? '' : rest ? `"${escapeControls(heard)} ✂ ${p.dim(escapeControls(rest))}"` : q(r.text);
        line(p.bold(who), how ? `${r.status === 'failed' ? p.error(how) : p.warn(how)} ${said}`.trimEnd() : said);
        for (const c of r.calls) {
          line('tool call', `${escapeControls(c.name)}(${escapeControls(c.arguments)})${c.output !== null ? ` → ${escapeControls(c.output)}` : ''}`);
        }
      }
    };
    replies(t.assistant, 'assistant');
    if (t.out_of_band) replies(t.out_of_band, 'out-of-band');
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The conversation as Markdown; the unheard part of a cut reply is struck through. */
export function transcriptMarkdown(turns: TranscriptTurn[]): string {
  const md = (s: string) => escapeControls(s).replace(/([\\`*_[\]<>|~])/g, '\\$1');
  const code = (s: string) => escapeControls(s).replace(/`/g, "'");
  const out: string[] = [];
  for (const t of turns) {
    out.push(`### Turn ${t.n}${t.at_ms !== null ? ` (${clock(t.at_ms)})` : ''}`, '');
    if (t.user) out.push(`**User:** ${t.user.text ? md(t.user.text) : t.user.kind === 'text' ? '_(empty)_' : '_(speech, not transcribed)_'}`, '');
    const replies = (list: AssistantReply[], who: string) => {
      for (const r of list) {
        const how = outcome(r);
        const [heard, rest] = splitHeard(r);
        const said = rest ? `${md(heard)} ~~${md(rest)}~~` : md(r.text);
        out.push(`**${who}:** ${how ? `_${md(how)}_ ` : ''}${said}`.trimEnd(), '');
        for (const c of r.calls) out.push(`- tool call \`${code(c.name)}(${code(c.arguments)})\`${c.output !== null ? ` → \`${code(c.output)}\`` : ''}`, '');
      }
    };
    replies(t.assistant, 'Assistant');
    if (t.out_of_band) replies(t.out_of_band, 'Out of band (not a reply)');
  }
  return out.length ? out.join('\n') + '\n' : '';
}
