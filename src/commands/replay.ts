import { frameWriter } from '../format/frame-writer.js';
import { LiveDisplay } from '../format/live-display.js';
import { classifyLine } from '../pipeline/classify.js';
import { recordingLine } from '../record/line.js';
import { startReplay, type Replay } from '../replay/server.js';
import { MalformedReport } from '../sources/report.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';

export interface ReplayCliOptions {
  port: number;
  host: string;
  speed: string;
  rate?: string;
  interactive?: boolean;
  lockstep?: boolean;
  loop?: boolean;
  close?: boolean;
  wide?: boolean;
}

/** `--speed 2`, `--speed 0.5`, `--speed max`; null when it is neither. */
export function parseSpeed(s: string): number | null {
  if (s === 'max') return Infinity;
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Start a replay server and keep it up until Ctrl-C (or `until` resolves, for `demo`). */
export async function serveReplay(source: string, o: ReplayCliOptions, ctx: Ctx, quiet = false): Promise<Replay | number> {
  const speed = parseSpeed(o.speed);
  if (speed === null) { ctx.say(`rtev: --speed ${JSON.stringify(o.speed)}: use a number above 0, or max`); return EXIT.usage; }
  const rate = o.rate === undefined ? Infinity : Number(o.rate);
  if (!(rate > 0)) { ctx.say(`rtev: --rate ${JSON.stringify(o.rate)}: use a number of frames per second above 0`); return EXIT.usage; }
  if (source === '-') { ctx.say('rtev: replay needs a file: each client replays it from the start'); return EXIT.usage; }
  const w = frameWriter(ctx.out, {
    format: 'pretty', palette: ctx.palette, time: 'abs', wide: !!o.wide, width: lineWidth(ctx, o.wide), all: false, tty: ctx.io.stdoutIsTTY,
  });
  // What clients send, shown as tail shows a session: runs of appends collapse (in place on a terminal).
  const display = new LiveDisplay(w, ctx.out, ctx.io.stdout, ctx.io.stdoutIsTTY, ctx.say);
  let n = 0;
  try {
    const replay = await startReplay({
      source, host: o.host, port: o.port, speed, rate, interactive: !!o.interactive, lockstep: !!o.lockstep, loop: !!o.loop, close: !!o.close,
      stdin: ctx.io.stdin, report: new MalformedReport(ctx.say),
      onClientFrame: (data, isBinary, protocol) => {
        if (quiet) return;
        const line = recordingLine(new Date().toISOString(), 'client', data, isBinary);
        const f = classifyLine('client', ++n, line, 0, line.length, undefined, protocol);
        if (f === null || typeof f === 'string') return;
        f.seq = n;
        display.show(f);
      },
      onError: (m) => ctx.say(`rtev: replay: ${m}`),
    });
    const stop = replay.stop;
    return { ...replay, stop: async () => { await stop(); display.end(); } };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    ctx.say(`rtev: cannot listen on ${o.host}:${o.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`);
    return EXIT.failure;
  }
}

export async function runReplay(source: string, o: ReplayCliOptions, ctx: Ctx): Promise<number> {
  const { existsSync } = await import('node:fs');
  if (source !== '-' && !existsSync(source)) { ctx.say(`rtev: ${source}: no such file`); return EXIT.failure; }
  const replay = await serveReplay(source, o, ctx);
  if (typeof replay === 'number') return replay;
  ctx.say(`rtev: replaying ${source} at ${replay.url} (speed ${o.speed}${o.interactive ? ', interactive' : ''}); Ctrl-C to stop`);
  // It serves until Ctrl-C, or until the reader of stdout goes away (| head).
  const why = await new Promise<'SIGINT' | 'SIGTERM' | 'stdout'>((resolve) => {
    ctx.io.onSignal?.(resolve);
    ctx.out.onClose(() => resolve('stdout'));
  });
  await replay.stop();
  if (why === 'stdout') return ctx.out.error ? EXIT.failure : EXIT.ok;
  ctx.out.push(); // stdout may be a pipe nobody reads: do not wait for it
  return why === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}
