import type { AssistantReply, Turn } from '../pipeline/transcript.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';

function clock(ms: number | null): string {
  if (ms === null) return '';
  const s = ms / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/** How a reply ended, when it did not simply complete. */
export function outcome(r: AssistantReply): string | null {
  switch (r.status) {
    case 'completed': return null;
    case 'cancelled': return r.text ? `interrupted (${r.reason ?? 'cancelled'}) after:` : `cancelled (${r.reason ?? 'no reason'}) before speaking`;
    case 'failed': return `failed: ${r.error ?? 'no error code'}`;
    case 'incomplete': return `incomplete (${r.reason ?? 'no reason'})${r.text ? ':' : ''}`;
    default: return `${r.status}${r.text ? ':' : ''}`;
  }
}

const q = (s: string) => `"${escapeControls(s)}"`;

function userText(t: Turn): string {
  if (!t.user) return '';
  if (t.user.text === null || t.user.text === '') return t.user.kind === 'speech' ? '(speech, not transcribed)' : '(empty)';
  return q(t.user.text);
}

/** The conversation as plain text: one block per turn. */
export function transcriptText(turns: Turn[], p: Palette): string {
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
    for (const r of t.assistant) {
      const how = outcome(r);
      const said = r.text ? q(r.text) : '';
      line(p.bold('assistant'), how ? `${r.status === 'failed' ? p.error(how) : p.warn(how)} ${said}`.trimEnd() : said);
      for (const c of r.calls) {
        line('tool call', `${escapeControls(c.name)}(${escapeControls(c.arguments)})${c.output !== null ? ` → ${escapeControls(c.output)}` : ''}`);
      }
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The conversation as Markdown. */
export function transcriptMarkdown(turns: Turn[]): string {
  const md = (s: string) => escapeControls(s).replace(/([\\`*_[\]<>|])/g, '\\$1');
  const out: string[] = [];
  for (const t of turns) {
    out.push(`### Turn ${t.n}${t.at_ms !== null ? ` (${clock(t.at_ms)})` : ''}`, '');
    if (t.user) out.push(`**User:** ${t.user.text ? md(t.user.text) : t.user.kind === 'speech' ? '_(speech, not transcribed)_' : '_(empty)_'}`, '');
    for (const r of t.assistant) {
      const how = outcome(r);
      out.push(`**Assistant:** ${how ? `_${md(how)}_ ` : ''}${md(r.text)}`.trimEnd(), '');
      for (const c of r.calls) out.push(`- tool call \`${c.name}(${c.arguments})\`${c.output !== null ? ` → \`${c.output}\`` : ''}`.replace(/[\u0000-\u001f]/g, ' '), '');
    }
  }
  return out.join('\n');
}
