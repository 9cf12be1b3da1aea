import { summarizeConfig, type ConfigSummary } from '../session/config.js';
import type { ConfigEntry } from '../session/types.js';
import { escapeControls } from './escape.js';
import type { Palette } from './palette.js';

/** A value from a configuration, as JSON, escaped and cut. */
export function shownValue(v: unknown, max = 60): string {
  const s = escapeControls(v === undefined ? 'null' : JSON.stringify(v) ?? 'null');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function when(e: ConfigEntry): string {
  const t = e.ts === null ? NaN : Date.parse(e.ts);
  return Number.isNaN(t) ? `#${e.seq}` : new Date(t).toISOString().slice(11, 23);
}

const firstLine = (s: string) => s.split('\n')[0]!;

/** The settings people look at first, one per line. */
export function configLines(c: ConfigSummary): [string, string][] {
  const td = c.turn_detection;
  const params = td ? [
    td.threshold !== null ? `threshold ${td.threshold}` : null,
    td.silence_duration_ms !== null ? `silence ${td.silence_duration_ms} ms` : null,
    td.prefix_padding_ms !== null ? `prefix ${td.prefix_padding_ms} ms` : null,
    td.eagerness !== null ? `eagerness ${escapeControls(td.eagerness)}` : null,
  ].filter(Boolean).join(', ') : '';
  return [
    ['model', c.model === null ? '–' : escapeControls(c.model)],
    ['voice', c.voice === null ? '–' : escapeControls(c.voice)],
    ['formats', `in ${c.input_format === null ? '–' : escapeControls(c.input_format)} · out ${c.output_format === null ? '–' : escapeControls(c.output_format)}`],
    ['turn detection', td ? `${escapeControls(td.type)}${params ? `: ${params}` : ''}` : 'off (the client commits)'],
    ['transcription', c.transcription === null ? 'off' : escapeControls(c.transcription)],
    ['noise reduction', c.noise_reduction === null ? 'off' : escapeControls(c.noise_reduction)],
    ['tools', c.tools.length ? c.tools.map(escapeControls).join(', ') : 'none'],
    ['instructions', c.instructions === null ? '–' : shownValue(firstLine(c.instructions), 100)],
  ];
}

/** `rtev session` for people: each step of the configuration, with what did not apply in red. */
export class SessionView {
  private updates = 0;
  private notApplied = 0;
  private last: ConfigEntry | null = null;

  constructor(private readonly p: Palette) {}

  entry(e: ConfigEntry): string {
    const p = this.p;
    const out: string[] = [];
    const pathW = Math.max(24, ...e.changes.map((c) => c.path.length), ...e.not_applied.map((c) => c.path.length)) + 2;
    const head = (text: string) => `${p.dim(when(e).padEnd(12))} ${text}`;
    if (e.kind === 'created') {
      out.push(head(p.bold('↓ session.created')));
      for (const [k, v] of configLines(summarizeConfig(e.config))) out.push(`    ${k.padEnd(16)} ${v}`);
    } else if (e.kind === 'update') {
      this.updates++;
      out.push(head(`${p.bold('↑ session.update')} asks ${e.changes.length ? `to change ${e.changes.length}` : p.dim('for no change')}`));
      for (const c of e.changes) out.push(`    ${escapeControls(c.path).padEnd(pathW)} ${shownValue(c.from)} → ${shownValue(c.to)}`);
    } else {
      out.push(head(`${p.bold('↓ session.updated')} ${e.changes.length ? `changed ${e.changes.length}` : p.dim('changed nothing')}`));
      for (const c of e.changes) out.push(`    ${escapeControls(c.path).padEnd(pathW)} ${shownValue(c.from)} → ${shownValue(c.to)}`);
      for (const c of e.not_applied) {
        this.notApplied++;
        out.push(p.error(`    NOT APPLIED ${escapeControls(c.path)}: asked ${shownValue(c.requested)}, got ${shownValue(c.applied)}`));
      }
    }
    if (e.kind !== 'update') this.last = e;
    return out.join('\n') + '\n';
  }

  /** The configuration in force at the end, and a count of what did not apply. */
  end(): string {
    const out: string[] = [];
    if (this.last && this.last.kind !== 'created') {
      out.push(this.p.bold('in force at the end'));
      for (const [k, v] of configLines(summarizeConfig(this.last.config))) out.push(`    ${k.padEnd(16)} ${v}`);
    }
    if (!this.last) out.push(this.p.dim('no session.created or session.updated in the capture'));
    const na = `${this.notApplied} setting${this.notApplied === 1 ? '' : 's'} not applied`;
    out.push(`${this.updates} update${this.updates === 1 ? '' : 's'}, ${this.notApplied ? this.p.error(na) : na}`);
    return out.join('\n') + '\n';
  }
}
