import { existsSync } from 'node:fs';
import { runLive } from './live.js';
import { serveReplay } from './replay.js';
import { EXIT, type Ctx } from './context.js';

/**
 * `rtev demo`: replay a recording (the bundled sample by default) on a free loopback port and tail it, so a
 * new user sees a live session in seconds, with no API key.
 */
export async function runDemo(file: string, o: { speed: string; version: string }, ctx: Ctx): Promise<number> {
  if (!existsSync(file)) {
    ctx.say(`rtev: ${file}: no such file (give a recording: rtev demo FILE)`);
    return EXIT.failure;
  }
  const replay = await serveReplay(file, { port: 0, host: '127.0.0.1', speed: o.speed, close: true }, ctx, true);
  if (typeof replay === 'number') return replay;
  ctx.say(`rtev: demo: replaying ${file} at ${replay.url} (speed ${o.speed}), watched by rtev tail`);
  try {
    return await runLive(replay.url, { print: true, record: false, time: 'rel', version: o.version, command: 'demo' }, { ...ctx, io: { ...ctx.io, env: {} } });
  } finally {
    await replay.stop();
  }
}
