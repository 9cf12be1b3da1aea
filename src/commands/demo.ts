import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Frame } from '../events/frame.js';
import { headline } from '../format/stats-table.js';
import { Tally } from '../pipeline/tally.js';
import { readFrames } from '../sources/read.js';
import { MalformedReport } from '../sources/report.js';
import { runLive } from './live.js';
import { parseSpeed, serveReplay } from './replay.js';
import { EXIT, type Ctx } from './context.js';

export interface DemoOptions {
  speed: string;
  version: string;
}

/**
 * The recording's client frames, each when it is due: as long after the first server frame as it came in the
 * recording, scaled by the speed. Read lazily, so a large recording is never held whole.
 */
async function* clientFrames(file: string, speed: number, stdin: NodeJS.ReadableStream): AsyncGenerator<{ ms: number; after: number; text: string }> {
  let t0 = NaN;
  let ms = 0;
  let server = 0;
  for await (const batch of readFrames([file], { stdin, report: new MalformedReport(() => {}) })) {
    for (const f of batch) {
      const t = f.time;
      if (f.direction === 'server') {
        if (Number.isNaN(t0)) t0 = t;
        server++;
        continue;
      }
      if (f.kind !== 'event') continue;
      if (!Number.isNaN(t) && !Number.isNaN(t0) && Number.isFinite(speed)) ms = Math.max(ms, (t - t0) / speed);
      yield { ms, after: server, text: f.eventBytes().toString('utf8') };
    }
  }
}

/**
 * Start reading now, keeping at most `max` items ahead of the consumer: the first frames are then ready the
 * moment sending starts, instead of after the file has been opened and its first chunk read.
 */
function prefetch<T>(source: AsyncIterable<T>, max: number): AsyncIterable<T> {
  const items: T[] = [];
  const waits: { item: (() => void) | null; room: (() => void) | null } = { item: null, room: null };
  let done = false;
  void (async () => {
    try {
      for await (const x of source) {
        items.push(x);
        waits.item?.();
        if (items.length >= max) await new Promise<void>((res) => (waits.room = res));
      }
    } finally {
      done = true;
      waits.item?.();
    }
  })();
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (items.length) {
          yield items.shift()!;
          waits.room?.();
          waits.room = null;
        } else if (done) return;
        else await new Promise<void>((res) => (waits.item = res));
      }
    },
  };
}

/** How to name the file in a command to copy: relative to the working directory when it is below it. */
function shown(file: string): string {
  const rel = relative('.', file);
  const name = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  return /^[\w./@+-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The recording's stats headline and the seq of its first response.done (a good frame to open with show). */
async function summary(file: string, ctx: Ctx): Promise<{ lines: string[]; done: number | null }> {
  const tally = new Tally();
  let done: number | null = null;
  for await (const batch of readFrames([file], { stdin: ctx.io.stdin, report: new MalformedReport(() => {}) })) {
    for (const f of batch as Frame[]) {
      tally.add(f);
      if (done === null && f.kind === 'event' && f.tag.variant.type === 'response.done') done = f.seq;
    }
  }
  const p = ctx.palette;
  return { lines: headline(tally.result([file], 0), p, (t) => p.bold(t.padEnd(12))), done };
}

/**
 * `rtev demo`: replay a recording (the bundled sample by default) on a free loopback port and tail it, so a
 * new user sees a live session in seconds, with no API key. The recording's client frames are sent back to the
 * replay as they were sent then, in lockstep with its server frames, so both directions show in their order. It ends with the stats headline and what to try next.
 */
export async function runDemo(file: string, o: DemoOptions, ctx: Ctx): Promise<number> {
  if (!existsSync(file)) {
    ctx.say(`rtev: ${file}: no such file (give a recording: rtev demo FILE)`);
    return EXIT.failure;
  }
  const speed = parseSpeed(o.speed);
  // Lockstep: the replay waits for the client frames recorded before each server frame, which we send back.
  const replay = await serveReplay(file, { port: 0, host: '127.0.0.1', speed: o.speed, close: true, lockstep: true }, ctx, true);
  if (typeof replay === 'number' || speed === null) return typeof replay === 'number' ? replay : EXIT.usage;
  ctx.say(`rtev: demo: replaying ${shown(file)} at ${replay.url} (speed ${o.speed}), watched by rtev tail`);
  let code: number;
  try {
    code = await runLive(replay.url, { print: true, record: false, time: 'rel', version: o.version, command: 'demo' }, { ...ctx, io: { ...ctx.io, env: {} } }, {
      items: [{ kind: 'timed', frames: prefetch(clientFrames(file, speed, ctx.io.stdin), 256) }], audioSpeed: 'max',
    });
  } finally {
    await replay.stop();
  }
  if (code !== EXIT.ok || ctx.out.closed) return code;
  const { lines, done } = await summary(file, ctx);
  const p = ctx.palette;
  const name = shown(file);
  const next: [string, string][] = [
    [`rtev transcript ${name}`, 'the conversation, turn by turn'],
    [`rtev turns ${name}`, 'latency, tool waits and interruptions, per turn'],
    [`rtev show ${name} ${done ?? 1}`, 'one event as indented JSON'],
  ];
  const w = Math.max(...next.map(([c]) => c.length)) + 2;
  ctx.out.write(`\n${lines.join('\n')}\n\n${p.bold('Try next:')}\n${next.map(([c, what]) => `  ${c.padEnd(w)}${p.dim(what)}`).join('\n')}\n`);
  await ctx.out.flush();
  return code;
}
