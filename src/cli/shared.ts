/**
 * What every command group of the shell shares: the run's state, the context a command gets, and the option
 * groups (filter, read flags, display) declared once. Command modules are loaded only when their command runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Ctx, Io } from '../commands/context.js';
import type { ColorLevel } from '../format/palette.js';

declare const RTEV_VERSION: string | undefined; // set by the single-executable build

export function version(): string {
  if (typeof RTEV_VERSION === 'string') return RTEV_VERSION;
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The sample recording that ships with rtev (dist/../recordings/sample.jsonl). */
export function bundledSample(): string {
  try {
    return fileURLToPath(new URL('../../recordings/sample.jsonl', import.meta.url));
  } catch {
    return 'recordings/sample.jsonl';
  }
}

/** One run of the shell: its I/O, its arguments, and the exit code the command set. */
export interface Runner {
  io: Io;
  argv: string[];
  code: number;
}

/**
 * The colour level, decided once: `--color`/`--no-color`, then a non-empty NO_COLOR, then FORCE_COLOR,
 * then whether stdout is a terminal. (chalk alone would ignore NO_COLOR.)
 */
export function colorLevel(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  const forced = env.FORCE_COLOR;
  const forcedLevel = (): ColorLevel => (forced === '2' ? 2 : forced === '3' ? 3 : 1);
  if (flag === true) return forced !== undefined ? forcedLevel() : 1;
  if (flag === false) return 0;
  if (env.NO_COLOR) return 0;
  if (forced !== undefined) return forced === '0' || forced === 'false' ? 0 : forcedLevel();
  return isTTY ? 1 : 0;
}

export const HELP_FOOTER = `
Exit codes:
  0    success (also when the reader of stdout goes away, as with | head)
  1    runtime failure: a source cannot be read or connected to, a lost or failed
       connection, --timeout passed, --strict found malformed lines, check found
       an error, audio found no audio
  2    usage error: unknown command or option, bad option value, missing API key
  130  interrupted by Ctrl-C (143 by SIGTERM), after a clean flush

Environment:
  NO_COLOR      when non-empty, no colour (unless --color)
  FORCE_COLOR   colour even when stdout is not a terminal (0 turns it off; 2, 3 for more colours)
  COLUMNS       the width to cut lines to when stdout is not a terminal (default 160)
  OPENAI_API_KEY, OPENAI_BASE_URL, AZURE_OPENAI_API_KEY, RTEV_MODEL: for live sources
`;

/** A whole number ≥ 0, for options like --limit; anything else is a usage error. */
export function count(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
}

/** --jobs: how many worker threads read SOURCEs (1: the main thread only). */
export function jobs(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number, 1 or more');
  return Number(v);
}

/** The --jobs option of the commands that read many SOURCEs on all cores. */
export const JOBS_HELP = 'worker threads that read several SOURCEs (default: one per core; 1: all in the main thread)';

export function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535');
  return Number(v);
}

export const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** Like collect, for comma-separated names: a value that names nothing (`''`, `','`) would match all, so it is refused. */
export const collectNames = (v: string, prev: string[] | undefined) => {
  if (!v.split(',').some((x) => x.trim())) throw new InvalidArgumentError('expected a name or pattern');
  return collect(v, prev);
};

/**
 * The filter options of PRODUCT.md §4.3, shared by every reading command. `dirFlag`: `proxy` spells the
 * direction `--direction`, as its `--dir` names the recordings' folder.
 */
export function withFilterOptions(cmd: Command, dirFlag = '--dir <dir>'): Command {
  return group(cmd, FILTER_GROUP, (c) => c
    .option('--type <pattern>', 'keep these types: wire type, beta alias, variant name or glob; OUTER/INNER for the event nested in GPT-Live\'s response.event (response.event/response.completed) (repeatable, comma-separated)', collectNames)
    .option('--exclude <pattern>', 'drop these types (same patterns as --type)', collectNames)
    .option('--family <name>', 'keep these families (repeatable, comma-separated)', collectNames)
    .option(dirFlag, 'keep one direction: server or client')
    .option('--response <id>', 'keep events that name this response id')
    .option('--item <id>', 'keep events that name this item id')
    .option('--unknown', 'keep only types the catalogue does not know')
    .option('--errors', 'keep only errors: error events, failed transcriptions and MCP calls, failed responses')
    .option('--since <time>', 'keep events from this ISO time, offset from the first event (90s, 7m32s) or clock time (07:32)')
    .option('--until <time>', 'keep events up to this ISO time, offset or clock time'));
}

/** --color / --no-color, for every command that prints. */
export function withColorOptions(cmd: Command): Command {
  return group(cmd, COMMON_GROUP, (c) => c
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour, even on a terminal'));
}

export function withReadFlags(cmd: Command): Command {
  return withColorOptions(group(cmd, COMMON_GROUP, (c) => c.option('--strict', 'exit 1 if any line is malformed')
    .addOption(new Option('--protocol <name>', 'read every source as this protocol (default: decided by the endpoint or the first frames)')
      .choices(['realtime', 'translation', 'live']))));
}

/** Help headings of the option groups every reading command shares; a command's own options come first. */
export const FILTER_GROUP = 'Filter options:';
export const COMMON_GROUP = 'Input and colour options:';

/** Add options under a help heading, then go back to the command's own. */
function group(cmd: Command, heading: string, add: (c: Command) => Command): Command {
  const before = cmd.optionsGroup();
  add(cmd.optionsGroup(heading));
  return cmd.optionsGroup(before);
}

/**
 * The last touch to every command's help, once all are defined: its own options first, then the shared groups;
 * an option that must be given says so.
 */
export function tidyHelp(program: Command): void {
  const rank = (o: Option) => (o.helpGroupHeading === FILTER_GROUP ? 1 : o.helpGroupHeading === COMMON_GROUP ? 2 : 0);
  for (const cmd of program.commands) {
    (cmd.options as Option[]).sort((a, b) => rank(a) - rank(b)); // stable: each group keeps its order
    for (const o of cmd.options) if (o.mandatory && !o.description.endsWith('(required)')) o.description += ' (required)';
  }
}

/** A command that reads captures: SOURCE…, --strict, colour, and the filter options. */
export function readingCommand(program: Command, name: string, description: string): Command {
  const cmd = program.command(name).description(description)
    .argument('[source...]', 'capture files (JSONL, recording, JSON array, HAR, gzip); - or nothing for stdin');
  return withFilterOptions(withReadFlags(cmd));
}

/** How frames are shown by cat, filter --pretty and tail. */
export function withDisplayOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--time <mode>', 'the time column: abs (UTC clock), rel (seconds from the first event), delta (from the line before), none')
      .choices(['abs', 'rel', 'delta', 'none']).default('abs'))
    .option('--all', 'a line for every delta, instead of one line per run of audio or text deltas')
    .option('--wide', 'never cut long values, ids or type names to the terminal width');
}

export async function makeCtx(io: Io, colorFlag: boolean | undefined, command?: string): Promise<Ctx> {
  const [{ loadPalette }, { Output }, { escapeLines }] = await Promise.all([import('../format/palette.js'), import('../format/output.js'), import('../format/escape.js')]);
  return {
    io,
    palette: await loadPalette(colorLevel(colorFlag, io.env, io.stdoutIsTTY)),
    out: new Output(io.stdout),
    // Whatever a message quotes (a file name, a server's reason, a JSON.parse snippet) never reaches stderr raw.
    say: (text) => io.stderr.write(escapeLines(text) + '\n'),
    command,
  };
}

/**
 * `tail` reads a file or watches a live session; these options make sense for only one of the two. Giving one
 * to the other is a usage error that names it (`tail FILE --say …`).
 */
export const TAIL_LIVE_ONLY = ['callId', 'attach', 'instructions', 'voice', 'to', 'model', 'header', 'reconnect', 'force', 'insecure', 'record', 'exitAfter', 'timeout', 'send', 'say', 'audio', 'audioSpeed'];
export const TAIL_FILE_ONLY = ['lines', 'follow'];

/** The first of these options given on the command line, as its flag (`--say`), or null. */
export function givenFlag(cmd: Command, keys: readonly string[]): string | null {
  for (const key of keys) {
    if (cmd.getOptionValueSource(key) !== 'cli') continue;
    const opts = cmd.options.filter((o) => o.attributeName() === key);
    // --record and --no-record share one value: name the one its value came from.
    const o = opts.find((x) => x.negate === (cmd.getOptionValue(key) === false)) ?? opts[0];
    return o?.long ?? `--${key}`;
  }
  return null;
}

/**
 * Two flags that set one value (`--record FILE`, `--no-record`) cannot be checked by commander's conflicts():
 * watch each as it is parsed, and make giving both a usage error naming them.
 */
export function exclusiveFlags(cmd: Command, a: string, b: string): Command {
  const seen = new Set<string>();
  cmd.on(`option:${a}`, () => seen.add(a));
  cmd.on(`option:${b}`, () => seen.add(b));
  return cmd.hook('preAction', () => {
    if (seen.size === 2) cmd.error(`error: option '--${a}' cannot be used with option '--${b}'`, { code: 'rtev.conflictingOption', exitCode: 2 });
  });
}

/** A usage error about `tail`'s SOURCE and an option, through commander (one line, exit 2). */
export function tailSourceClash(cmd: Command, live: boolean): void {
  const flag = givenFlag(cmd, live ? TAIL_FILE_ONLY : TAIL_LIVE_ONLY);
  if (flag === null) return;
  cmd.error(live ? `error: option '${flag}' applies to a file SOURCE, not to a live session`
    : `error: option '${flag}' applies to a live session (ws://, wss://, openai, live, translate), not to a file SOURCE`, { code: 'rtev.conflictingOption', exitCode: 2 });
}

/**
 * A command's action: build the context (colour from its --color/--no-color), load the command module only
 * now, and keep its exit code. Commander passes the positional argument, then the options.
 */
export function act<A>(r: Runner, run: (ctx: Ctx, arg: A, opts: any) => Promise<number>) {
  return async (arg: A, opts: { color?: boolean }, cmd: Command) => {
    const ctx = await makeCtx(r.io, opts.color, cmd.name());
    const code = await run(ctx, arg, opts);
    // A write to stdout that failed (a full disk) is a failure, whatever the command thought.
    r.code = ctx.out.error ? 1 : code;
  };
}
