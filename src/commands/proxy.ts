import { mkdirSync, statSync } from 'node:fs';
import type { TimeMode } from '../format/pretty.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { headerPairs, planStartup } from '../proxy/plan.js';
import { amount, ProxyLog } from '../proxy/log.js';
import { ProxyServer } from '../proxy/server.js';
import { EndpointError } from '../sources/endpoint.js';
import { UpstreamError } from '../proxy/route.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';

export interface ProxyOptions extends Omit<FilterSpec, 'dir'> {
  host: string;
  port: number;
  /** The recordings' folder. */
  dir: string;
  /** --direction: the filter's server|client (`--dir` names the folder here). */
  direction?: string;
  record: boolean;
  force?: boolean;
  header?: string[];
  quiet?: boolean;
  json?: boolean;
  time: TimeMode;
  all?: boolean;
  wide?: boolean;
  version: string;
}

const DEFAULT_DIR = 'recordings';

/** The recordings' folder: the default one is created when needed; one the user names must exist. */
function checkFolder(dir: string): string | null {
  try {
    if (dir.replace(/\/+$/, '') === DEFAULT_DIR) mkdirSync(dir, { recursive: true });
    return statSync(dir).isDirectory() ? null : 'not a folder';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  }
}

/** `rtev proxy [UPSTREAM]`: listen, forward and record until Ctrl-C or SIGTERM. */
export async function runProxy(upstreamArg: string | undefined, o: ProxyOptions, ctx: Ctx): Promise<number> {
  let plan;
  let keep;
  try {
    plan = planStartup(upstreamArg, o.header ?? [], ctx.io.env, o.host);
    keep = compileFilter({ ...o, dir: o.direction });
  } catch (e) {
    if (e instanceof UpstreamError || e instanceof EndpointError) {
      ctx.say(`rtev: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  if (o.record) {
    const problem = checkFolder(o.dir);
    if (problem) {
      ctx.say(`rtev: cannot write recordings to ${o.dir}: ${problem}`);
      return EXIT.failure;
    }
  }
  const log = new ProxyLog({
    dir: o.record ? o.dir : null, force: !!o.force, host: plan.upstream.hostname, version: o.version, say: ctx.say,
    view: o.quiet ? null : {
      json: !!o.json, palette: ctx.palette, time: o.time, wide: !!o.wide, width: lineWidth(ctx, o.wide), all: !!o.all,
      tty: ctx.io.stdoutIsTTY, keep, out: ctx.out, stdout: ctx.io.stdout, say: ctx.say,
    },
  });
  const proxy = new ProxyServer({ host: o.host, port: o.port, upstream: plan.upstream, env: ctx.io.env, extra: headerPairs(o.header ?? []) }, log);
  let url: string;
  try {
    url = await proxy.listen();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    ctx.say(`rtev: cannot listen on ${o.host}:${o.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`);
    return EXIT.failure;
  }
  // The first line names both ends: scripts find the port here.
  ctx.say(`rtev: proxy ${url} → ${plan.upstream.shown}; ${o.record ? `recording to ${o.dir.replace(/\/*$/, '/')}` : 'not recording'}`);
  for (const w of plan.warnings) ctx.say(`rtev: ${w}`);

  const sig = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => ctx.io.onSignal?.(resolve));
  log.stopSignal = sig;
  await proxy.stop();
  await ctx.out.flush();
  const files = o.record ? `; ${log.files} recording${log.files === 1 ? '' : 's'} in ${o.dir.replace(/\/*$/, '/')}` : '';
  ctx.say(`rtev: proxy stopped (${sig}): ${log.connections} connection${log.connections === 1 ? '' : 's'}, ${amount(log.frames, log.bytes)}${files}`);
  return sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}
