import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Frame } from '../events/frame.js';
import { frameWriter } from '../format/frame-writer.js';
import type { TimeMode } from '../format/pretty.js';
import type { Protocol } from '../events/catalogue.js';
import { classifyLine, lineProtocol } from '../pipeline/classify.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { LineSplitter } from '../sources/lines.js';
import { MAX_LINE_BYTES } from '../sources/read.js';
import { MalformedReport } from '../sources/report.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';
import { visitFrames } from './frames.js';

export interface TailFileOptions extends FilterSpec {
  lines: number;
  follow?: boolean;
  json?: boolean;
  time: TimeMode;
  all?: boolean;
  wide?: boolean;
  strict?: boolean;
  protocol?: Protocol;
}

const POLL_MS = 200;

/** The last N selected lines, as copies (a frame would keep its whole input chunk alive), with their frame numbers. */
class Ring {
  private readonly items: { line: Buffer; n: number; seq: number; protocol: Protocol }[] = [];
  constructor(private readonly size: number) {}
  push(f: Frame): void {
    if (this.size === 0) return;
    this.items.push({ line: Buffer.from(f.rawBytes()), n: f.line, seq: f.seq, protocol: f.tag.variant.protocol });
    if (this.items.length > this.size) this.items.shift();
  }
  /** The frames again, each read as its protocol (or as `protocol`, once the whole file has decided it). */
  frames(source: string, protocol?: Protocol): Frame[] {
    const out: Frame[] = [];
    for (const { line, n, seq, protocol: p } of this.items) {
      const f = classifyLine(source, n, line, 0, line.length, undefined, protocol ?? p);
      if (f === null || typeof f === 'string') continue;
      f.seq = seq;
      out.push(f);
    }
    return out;
  }
}

/** `tail FILE`: the last -n events; with -f, then every event appended, surviving truncation and rotation. */
export async function tailFile(path: string, o: TailFileOptions, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  const w = frameWriter(ctx.out, {
    format: o.json ? 'json' : 'pretty', palette: ctx.palette, time: o.time, wide: !!o.wide,
    width: lineWidth(ctx, o.wide), all: !!o.all, tty: ctx.io.stdoutIsTTY,
  });
  const ring = new Ring(o.lines);
  // Frames keep their number in the file (the one `rtev show` and `cat` give), not their place among the last N.
  let seq = 0;
  const show = (f: Frame) => w.write(f);

  // `--time rel` counts from the file's first event, not from the first of the last N.
  let first = NaN;
  const start = (f: Frame) => { if (Number.isNaN(first)) w.start((first = f.time)); };
  if (!o.follow) {
    const run = await visitFrames([path], ctx, o, (f) => { start(f); if (keep(f)) ring.push(f); });
    for (const f of ring.frames(path)) show(f);
    w.end();
    await ctx.out.flush();
    return run.code;
  }

  // Follow: read the file ourselves, to know the offset we have read up to.
  const report = new MalformedReport(ctx.say);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    ctx.say(`rtev: ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return EXIT.failure;
  }
  const magic = Buffer.alloc(2);
  readSync(fd, magic, 0, 2, 0);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    closeSync(fd);
    ctx.say(`rtev: ${path}: a gzip file cannot be followed; drop -f to print its last events`);
    return EXIT.usage;
  }
  let offset = 0;
  let catchingUp = true;
  // The file's protocol: --protocol, else its meta line or first frames (PROTOCOL.md §9); Realtime until then.
  let protocol: Protocol | null = o.protocol ?? null;
  const splitter = () => new LineSplitter(MAX_LINE_BYTES, {
    line: (buf, s, e, n) => {
      if (protocol === null) protocol = lineProtocol(buf, s, e);
      const f = classifyLine(path, n, buf, s, e, undefined, protocol ?? 'realtime');
      if (typeof f === 'string') report.add(`${path}:${n}`, f);
      else if (f !== null) {
        f.seq = ++seq;
        if (catchingUp) start(f);
      }
      if (f !== null && typeof f !== 'string' && keep(f)) {
        if (catchingUp) ring.push(f);
        else show(f);
      }
    },
    tooLong: (n, size) => report.add(`${path}:${n}`, `line of ${size} bytes is over the limit, skipped`),
  });
  let lines = splitter();
  const chunk = Buffer.allocUnsafe(1 << 20);
  const readNew = () => {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, offset);
      if (n <= 0) return;
      offset += n;
      lines.push(Buffer.from(chunk.subarray(0, n)));
    }
  };
  readNew();
  catchingUp = false;
  for (const f of ring.frames(path, protocol ?? undefined)) show(f);
  await ctx.out.flush();

  let stop: 'SIGINT' | 'SIGTERM' | null = null;
  let wake: (() => void) | null = null;
  // A signal wakes the loop, even while it waits for a reader that does not read.
  const signalled = new Promise<void>((resolve) => ctx.io.onSignal?.((sig) => { stop = sig; wake?.(); resolve(); }));
  while (stop === null && !ctx.out.closed) {
    await new Promise<void>((r) => { wake = r; setTimeout(r, POLL_MS); });
    let st;
    try {
      st = statSync(path);
    } catch {
      continue; // rotated away, the new file not there yet
    }
    if (st.ino !== fstatSync(fd).ino) {
      readNew(); // what the old file still had
      closeSync(fd);
      fd = openSync(path, 'r');
      offset = 0;
      seq = 0;
      lines = splitter();
      ctx.say(`rtev: ${path} was replaced; following the new file`);
    } else if (st.size < offset) {
      offset = 0;
      seq = 0;
      lines = splitter();
      ctx.say(`rtev: ${path} was truncated; following from its start`);
    }
    readNew();
    await Promise.race([ctx.out.flush(), signalled]);
  }
  closeSync(fd);
  w.end();
  const stopped = stop as 'SIGINT' | 'SIGTERM' | null;
  if (stopped) ctx.out.push();
  else await ctx.out.flush();
  report.finish();
  return stopped === 'SIGINT' ? EXIT.sigint : stopped === 'SIGTERM' ? EXIT.sigterm : EXIT.ok;
}
