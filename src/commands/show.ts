import type { Frame } from '../events/frame.js';
import { escapeControls } from '../format/escape.js';
import { jsonView } from '../format/json-view.js';
import { AudioFormats } from '../pipeline/audio-format.js';
import { EXIT, type Ctx } from './context.js';
import { visitFrames, type ReadFlags } from './frames.js';

export interface ShowOptions extends ReadFlags {
  /** Keep base64 audio and binary payloads whole. */
  full?: boolean;
}

/** `12`, `12-14`, `3,7,10-12`: the frames to show, as inclusive ranges; null when it is none of these. */
export function parseFrames(spec: string): [number, number][] | null {
  const ranges: [number, number][] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < 1 || b < a || !Number.isSafeInteger(b)) return null;
    ranges.push([a, b]);
  }
  return ranges.length ? ranges : null;
}

/** What a frame is, above its JSON on a terminal: `#12  12:00:07.533Z  ↓ server  response.done`. */
function header(f: Frame, ctx: Ctx): string {
  const p = ctx.palette;
  const type = f.kind !== 'event' ? `(${f.kind} frame)` : escapeControls(f.type);
  const alias = f.kind === 'event' && f.tag.alias !== null ? p.dim(` (beta name of ${f.tag.variant.type})`) : '';
  const arrow = f.direction === 'client' ? '↑ client' : '↓ server';
  return `${p.bold(`#${f.seq}`)}  ${p.dim(f.ts ?? 'no time')}  ${arrow}  ${p.family(f.tag.variant.family, type)}${alias}`;
}

/**
 * `rtev show SOURCE N[-M]`: the frames at those positions (their `seq`, as `cat --json` numbers them and as
 * `cat` shows untimed frames), each as indented JSON, coloured on a terminal with a line saying what it is.
 * Into a pipe it is JSON alone, one document per frame (`| jq` reads them). Reading stops after the last one.
 */
export async function runShow(source: string, spec: string, o: ShowOptions, ctx: Ctx): Promise<number> {
  const ranges = parseFrames(spec);
  if (!ranges) {
    ctx.say(`rtev: show: ${JSON.stringify(spec)} is not a frame number or range: give N, N-M or a list (3,7,10-12), numbered as cat --json numbers them`);
    return EXIT.usage;
  }
  const last = Math.max(...ranges.map(([, b]) => b));
  const wanted = (n: number) => ranges.some(([a, b]) => n >= a && n <= b);
  const formats = new AudioFormats();
  const tty = ctx.io.stdoutIsTTY;
  let shown = 0;
  let count = 0;
  const run = await visitFrames([source], ctx, o, (f) => {
    formats.observe(f);
    count = f.seq;
    if (!wanted(f.seq)) return f.seq < last;
    const view = jsonView(f, { palette: ctx.palette, full: !!o.full, own: formats.of(f), input: formats.input });
    ctx.out.write(`${tty ? `${shown ? '\n' : ''}${header(f, ctx)}\n` : ''}${view}\n`);
    shown++;
    return f.seq < last;
  });
  await ctx.out.flush();
  if (run.code !== EXIT.ok) return run.code;
  const name = source === '-' ? 'stdin' : source;
  const total = `${count} frame${count === 1 ? '' : 's'}`;
  if (shown === 0) {
    ctx.say(`rtev: ${name} has ${total}: no frame ${spec} (frames are numbered from 1, as cat --json numbers them)`);
    return EXIT.failure;
  }
  const asked = ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
  if (shown < asked && last > count) ctx.say(`rtev: warning: ${name} has ${total}; frames past ${count} do not exist`);
  return EXIT.ok;
}
