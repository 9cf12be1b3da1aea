import type { Frame } from '../events/frame.js';
import { AudioFormats, type AudioFormat } from '../pipeline/audio-format.js';
import { ConfigTracker } from '../session/config.js';
import { ClientEvents } from '../session/errors.js';
import type { ConfigEntry } from '../session/types.js';
import type { Palette } from './palette.js';
import { escapeControls } from './escape.js';
import { audioText, summarize, shortId } from './summary.js';

export type TimeMode = 'abs' | 'rel' | 'delta' | 'none';

export interface PrettyOptions {
  palette: Palette;
  time: TimeMode;
  /** Show whole values and ids, never cut to `width`. */
  wide: boolean;
  width: number;
  /** Print every audio delta instead of collapsing runs. */
  all: boolean;
}

/** A run of audio frames being collapsed into one line. */
interface Run {
  key: string;
  first: Frame;
  count: number;
  bytes: number;
  fmt: AudioFormat;
}

const TYPE_WIDTH = 40;

function isAudio(f: Frame): boolean {
  const t = f.tag.variant.type;
  return t === 'response.output_audio.delta' || t === 'input_audio_buffer.append';
}

/**
 * `cat`'s format: one line per event, compiled once from the options and fed frame by frame. Runs of audio
 * deltas of one item (and of client appends) collapse into one line, printed when the run ends; other
 * deltas interleaved with them (transcripts) are printed as they come.
 */
export class PrettyPrinter {
  private readonly formats = new AudioFormats();
  /** Recent client events (an error names its cause by id) and the configuration in force. */
  private readonly clients = new ClientEvents();
  private readonly config = new ConfigTracker();
  private seen: Frame | null = null;
  private entry: { f: Frame; e: ConfigEntry } | null = null;
  private run: Run | null = null;
  private firstTime = NaN;
  private prevTime = NaN;

  constructor(private readonly o: PrettyOptions) {}

  /**
   * Look at a frame that may not be printed (a filter dropped it): its formats, client event id and
   * configuration still count. `push` calls it too; calling it first is harmless.
   */
  observe(f: Frame): void {
    if (this.seen === f) return;
    this.seen = f;
    this.formats.observe(f);
    if (f.kind !== 'event' || f.tag.variant.protocol !== 'realtime') return;
    if (f.direction === 'client') this.clients.add(f);
    const type = f.tag.variant.type;
    if (type !== 'session.created' && type !== 'session.updated' && type !== 'session.update') return;
    if ((type === 'session.update') !== (f.direction === 'client')) return;
    const e = f.tryJson();
    const entry = type === 'session.created' ? this.config.created(f.seq, f.ts, e?.session)
      : type === 'session.update' ? this.config.update(f.seq, f.ts, typeof e?.event_id === 'string' ? e.event_id : null, e?.session)
      : this.config.updated(f.seq, f.ts, e?.session);
    this.entry = { f, e: entry };
  }

  /** The lines this frame makes (none while a run of audio grows). */
  push(f: Frame): string[] {
    this.observe(f);
    const out: string[] = [];
    if (!this.o.all && isAudio(f)) {
      const key = f.direction === 'client' ? 'client' : f.field('item_id') ?? '';
      if (this.run && this.run.key === key) {
        this.run.count++;
        this.run.bytes += f.audioBytes();
        return out;
      }
      this.endRun(out);
      this.run = { key, first: f, count: 1, bytes: f.audioBytes(), fmt: this.formats.of(f) };
      return out;
    }
    // Other deltas may interleave with a run of audio without ending it.
    if (this.run && !(f.kind === 'event' && f.tag.variant.type.endsWith('.delta'))) this.endRun(out);
    const fmt = this.formats.of(f);
    const realtime = f.kind === 'event' && f.tag.variant.protocol === 'realtime';
    const cause = realtime && f.tag.variant.type === 'error' ? this.clients.find(f.tryJson()?.error?.event_id) : null;
    if (cause?.type === 'session.update') this.config.rejected(cause.event_id);
    const s = summarize(f, fmt, this.o.wide, { cause, config: this.entry?.f === f ? this.entry.e : undefined });
    const type = f.kind !== 'event' ? `(${f.kind})` : f.tag.known ? f.type : escapeControls(f.type);
    const p = this.o.palette;
    out.push(this.line(f, type, s.ids, s.text, true, s.tone === 'error' ? p.error : s.tone === 'warn' ? p.warn : undefined));
    return out;
  }

  /** The line of the run of audio still growing, if any: a terminal can show it, updated in place. */
  pending(): string | null {
    const r = this.run;
    return r ? this.runLine(r) : null;
  }

  /** Lines still held (an unfinished run), at the end of input. */
  flush(): string[] {
    const out: string[] = [];
    this.endRun(out);
    return out;
  }

  private endRun(out: string[]): void {
    const r = this.run;
    if (!r) return;
    this.run = null;
    out.push(this.runLine(r));
  }

  private runLine(r: Run): string {
    const ids = [r.first.field('response_id'), r.first.field('item_id')].filter((x): x is string => !!x).map((x) => shortId(x, this.o.wide));
    const text = r.count === 1 ? audioText(r.bytes, r.fmt) : `×${r.count}, ${audioText(r.bytes, r.fmt)}`;
    return this.line(r.first, r.first.type, ids, text, false);
  }

  private line(f: Frame, type: string, ids: string[], text: string, advance = true, tone?: (s: string) => string): string {
    const p = this.o.palette;
    const time = this.timeColumn(f, advance);
    const arrow = f.direction === 'client' ? '↑' : '↓';
    const typeCol = type.length < TYPE_WIDTH ? type.padEnd(TYPE_WIDTH) : type;
    const idCol = ids.length ? ids.join(' ') + ' ' : '';
    const prefixLen = (time ? time.length + 1 : 0) + 2 + typeCol.length + 1 + idCol.length;
    const room = Math.max(20, this.o.width - prefixLen);
    const cut = !this.o.wide && text.length > room ? text.slice(0, room - 1) + '…' : text;
    const shown = tone ? tone(cut) : cut;
    return `${time ? p.dim(time) + ' ' : ''}${arrow} ${p.family(f.tag.variant.family, typeCol)} ${idCol ? p.dim(idCol) : ''}${shown}`.trimEnd();
  }

  private timeColumn(f: Frame, advance: boolean): string {
    const mode = this.o.time;
    if (mode === 'none') return '';
    const t = f.time;
    if (Number.isNaN(t)) return `#${f.seq}`.padEnd(12);
    if (Number.isNaN(this.firstTime)) this.firstTime = t;
    const prev = Number.isNaN(this.prevTime) ? t : this.prevTime;
    if (advance) this.prevTime = t;
    if (mode === 'abs') return new Date(t).toISOString().slice(11, 23);
    const d = ((mode === 'rel' ? t - this.firstTime : t - prev) / 1000).toFixed(3);
    return `+${d}`.padStart(10);
  }
}
