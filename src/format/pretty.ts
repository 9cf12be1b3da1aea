import type { Family, Stream, Variant } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { AudioFormats, type AudioFormat } from '../pipeline/audio-format.js';
import { ConfigTracker } from '../session/config.js';
import { ClientEvents } from '../session/errors.js';
import type { ConfigEntry } from '../session/types.js';
import type { Palette } from './palette.js';
import { escapeControls } from './escape.js';
import { audioText, q, summarize, shortId, type Summary } from './summary.js';

export type TimeMode = 'abs' | 'rel' | 'delta' | 'none';

export interface PrettyOptions {
  palette: Palette;
  time: TimeMode;
  /** Show whole values, ids and type names, never cut to `width`. */
  wide: boolean;
  width: number;
  /** Print every delta instead of collapsing runs. */
  all: boolean;
}

/** A run of streaming deltas (audio or text, as the catalogue marks them) being collapsed into one line. */
interface Run {
  /** What joins this run: the variant, the direction, and the value of the stream's `by` field. */
  variant: Variant;
  by: string;
  kind: Stream['kind'];
  /** The type column and what it is coloured by. */
  type: string;
  family: Family | 'unknown';
  client: boolean;
  ids: string[];
  count: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: number;
  lastTime: number;
  /** The order of its last delta among all frames pushed: runs end in this order, so time never goes back. */
  last: number;
  bytes: number;
  fmt: AudioFormat;
  /** The text deltas joined (raw; escaped when shown), kept only up to what a line can show. */
  text: string;
  more: boolean;
  /** The first delta's own summary: a run of one reads exactly as that frame would (a protocol's clock too). */
  single: Summary;
}

const NONE: string[] = [];

const runKey = (v: Variant, client: boolean, by: string) => `${v.type}\u0000${client}\u0000${by}`;

/** Runs open at once, at most: past it (deltas of endless distinct items), the open runs are printed. */
const MAX_RUNS = 64;
/** Text kept per run with --wide (a line is never cut then, but memory stays bounded). */
const WIDE_TEXT = 1 << 16;

/** A long name cut in its middle, so that both its start and its end (`….delta`) stay readable. */
export function cutMiddle(s: string, w: number): string {
  if (s.length <= w) return s;
  const head = Math.ceil((w - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (w - 1 - head))}`;
}

/**
 * `cat`'s format: one line per event, compiled once from the options and fed frame by frame. Runs of streaming
 * deltas (the catalogue's `stream` attribute: audio deltas and appends, text and transcript deltas) collapse into
 * one line per run, printed when a frame that is not a delta comes (or too many runs are open). A run's line
 * carries the time of its last delta and names its span, and runs are printed in the order of their last
 * delta, so the time column never goes back.
 */
export class PrettyPrinter {
  private readonly formats = new AudioFormats();
  /** Recent client events (an error names its cause by id) and the configuration in force. */
  private readonly clients = new ClientEvents();
  private readonly config = new ConfigTracker();
  private seen: Frame | null = null;
  private entry: { f: Frame; e: ConfigEntry } | null = null;
  private readonly runs = new Map<string, Run>();
  /** The run last added to, for a terminal's line updated in place. */
  private latest: Run | null = null;
  private order = 0;
  /** The time of the capture's first event (shown or not): `--time rel` and spans count from it. */
  private origin = NaN;
  private prevTime = NaN;
  private readonly typeW: number;
  private readonly textCap: number;

  constructor(private readonly o: PrettyOptions) {
    // A fixed type column: 40 wide when there is room (100 columns), 30 on a narrow terminal; --wide never cuts a name.
    this.typeW = o.wide || o.width >= 100 ? 40 : 30;
    this.textCap = Number.isFinite(o.width) ? Math.max(o.width, 80) : WIDE_TEXT;
  }

  /**
   * Look at a frame that may not be printed (a filter dropped it): the capture's start, its formats, client
   * event ids and configuration still count. `push` calls it too; calling it first is harmless.
   */
  observe(f: Frame): void {
    if (this.seen === f) return;
    this.seen = f;
    if (Number.isNaN(this.origin)) this.origin = f.time;
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

  /** The capture starts at this time (ms), for `--time rel` and spans, when it is not the first frame pushed. */
  start(ms: number): void {
    if (!Number.isNaN(ms)) this.origin = ms;
  }

  /** The lines this frame makes (none while a run grows). */
  push(f: Frame): readonly string[] {
    this.observe(f);
    this.order++;
    const stream = this.o.all || f.kind !== 'event' ? null : f.tag.variant.stream;
    if (stream) return this.grow(f, stream);
    const out: string[] = [];
    this.endRuns(out);
    const fmt = this.formats.of(f);
    const realtime = f.kind === 'event' && f.tag.variant.protocol === 'realtime';
    const cause = realtime && f.tag.variant.type === 'error' ? this.clients.find(f.tryJson()?.error?.event_id) : null;
    if (cause?.type === 'session.update') this.config.rejected(cause.event_id);
    const s = summarize(f, fmt, this.o.wide, { cause, config: this.entry?.f === f ? this.entry.e : undefined });
    const type = f.kind !== 'event' ? `(${f.kind})` : f.tag.known ? f.type : escapeControls(f.type);
    const p = this.o.palette;
    const tone = s.tone === 'error' ? p.error : s.tone === 'warn' ? p.warn : undefined;
    out.push(this.line(f.time, f.seq, f.direction === 'client', type, f.tag.variant.family, s.ids, s.text, true, tone));
    return out;
  }

  /** The line of the run last added to, if it is still open: a terminal can show it, updated in place. */
  pending(): string | null {
    const r = this.latest;
    return r ? this.runLine(r, false) : null;
  }

  /** Lines still held (unfinished runs), at the end of input or when a live source goes quiet. */
  flush(): string[] {
    const out: string[] = [];
    this.endRuns(out);
    return out;
  }

  /** Add a delta to its run (a new one when none is open); lines only when too many runs were open. */
  private grow(f: Frame, stream: Stream): readonly string[] {
    let out: string[] = NONE;
    const variant = f.tag.variant;
    const client = f.direction === 'client';
    const by = stream.by === null ? '' : f.field(stream.by) ?? '';
    const t = f.time;
    // Most deltas continue the run of the one before: no key to build then.
    let r = this.latest;
    if (r === null || r.variant !== variant || r.client !== client || r.by !== by) r = this.runs.get(runKey(variant, client, by)) ?? null;
    // A pause ends a run that has no item to group it: the runs open so far are printed, a new one starts.
    if (r && stream.gapMs !== null && t - r.lastTime > stream.gapMs) {
      this.endRuns((out = []));
      r = null;
    }
    if (!r) {
      if (this.runs.size >= MAX_RUNS) this.endRuns((out = out === NONE ? [] : out));
      r = this.open(f, variant, stream, client, by);
      this.runs.set(runKey(variant, client, by), r);
    }
    r.count++;
    r.lastSeq = f.seq;
    r.last = this.order;
    if (!Number.isNaN(t)) {
      if (Number.isNaN(r.firstTime)) r.firstTime = t;
      r.lastTime = t;
    }
    if (stream.kind === 'audio') r.bytes += f.audioBytes();
    else if (!r.more) {
      const d = f.field('delta') ?? '';
      if (r.text.length + d.length <= this.textCap) r.text += d;
      else {
        r.text += d.slice(0, this.textCap - r.text.length);
        r.more = true;
      }
    }
    this.latest = r;
    return out;
  }

  private open(f: Frame, variant: Variant, stream: Stream, client: boolean, by: string): Run {
    const fmt = this.formats.of(f);
    const single = summarize(f, fmt, this.o.wide);
    const ids = [f.field('response_id'), f.field('item_id'), f.field('call_id')].filter((x): x is string => !!x).map((x) => shortId(x, this.o.wide));
    return {
      variant, by, kind: stream.kind, type: f.type, family: variant.family, client, ids,
      count: 0, firstSeq: f.seq, lastSeq: f.seq, firstTime: f.time, lastTime: f.time, last: 0,
      bytes: 0, fmt, text: '', more: false, single,
    };
  }

  /** Print every open run, in the order of its last delta. */
  private endRuns(out: string[]): void {
    this.latest = null;
    if (this.runs.size === 0) return;
    const runs = [...this.runs.values()];
    this.runs.clear();
    if (runs.length > 1) runs.sort((a, b) => a.last - b.last);
    for (const r of runs) out.push(this.runLine(r, true));
  }

  private runLine(r: Run, advance: boolean): string {
    if (r.count === 1) return this.line(r.lastTime, r.lastSeq, r.client, r.type, r.family, r.single.ids, r.single.text, advance);
    // The amount of audio before the span (a narrow line cuts the end); a text's span before the text.
    const what = r.kind === 'audio' ? `×${r.count}, ${audioText(r.bytes, r.fmt)} (${this.span(r)})`
      : `×${r.count}, ${this.span(r)}: ${r.more ? `${q(r.text).slice(0, -1)}…"` : q(r.text)}`;
    return this.line(r.lastTime, r.lastSeq, r.client, r.type, r.family, r.ids, what, advance);
  }

  /** Where a run lies: seconds from the capture's start (`7.53–8.91 s`), or its frames (`#12–#40`) untimed. */
  private span(r: Run): string {
    if (Number.isNaN(r.firstTime) || Number.isNaN(this.origin)) return `#${r.firstSeq}–#${r.lastSeq}`;
    return `${((r.firstTime - this.origin) / 1000).toFixed(2)}–${((r.lastTime - this.origin) / 1000).toFixed(2)} s`;
  }

  private line(t: number, seq: number, client: boolean, type: string, family: Family | 'unknown', ids: string[], text: string, advance: boolean, tone?: (s: string) => string): string {
    const p = this.o.palette;
    const time = this.timeColumn(t, seq, advance);
    const name = this.o.wide ? type : cutMiddle(type, this.typeW);
    const idCol = ids.length ? ids.join(' ') : '';
    // The type column is padded only when something follows it: no trailing blanks.
    const rest = idCol && text ? `${idCol} ` : idCol;
    const typeCol = rest || text ? name.padEnd(this.typeW) : name;
    const prefixLen = (time ? time.length + 1 : 0) + 2 + typeCol.length + 1 + rest.length;
    const room = Math.max(20, this.o.width - prefixLen);
    const cut = text.length > room ? text.slice(0, room - 1) + '…' : text;
    const arrow = client ? '↑ ' : '↓ ';
    const gap = rest || text ? ' ' : '';
    // Without colour, no palette calls at all: the line is one template.
    if (p.level === 0) return `${time ? time + ' ' : ''}${arrow}${typeCol}${gap}${rest}${cut}`;
    return `${time ? p.dim(time) + ' ' : ''}${arrow}${p.family(family, typeCol)}${gap}${rest ? p.dim(rest) : ''}${tone && cut ? tone(cut) : cut}`;
  }

  private timeColumn(t: number, seq: number, advance: boolean): string {
    const mode = this.o.time;
    if (mode === 'none') return '';
    if (Number.isNaN(t)) return `#${seq}`.padEnd(12);
    const prev = Number.isNaN(this.prevTime) ? t : this.prevTime;
    if (advance) this.prevTime = t;
    if (mode === 'abs') return new Date(t).toISOString().slice(11, 23);
    const origin = Number.isNaN(this.origin) ? t : this.origin;
    const d = ((mode === 'rel' ? t - origin : t - prev) / 1000).toFixed(3);
    return `+${d}`.padStart(10);
  }
}
