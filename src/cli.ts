/**
 * The shell: the only module that reads argv, the environment and the terminal, and decides exit codes.
 * Command modules (and chalk) are loaded only when their command runs, so `--version` and `--help` start fast.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Ctx, Io } from './commands/context.js';
import type { ColorLevel } from './format/palette.js';
import { RULES } from './pipeline/check.js';

declare const RTEV_VERSION: string | undefined; // set by the single-executable build

function version(): string {
  if (typeof RTEV_VERSION === 'string') return RTEV_VERSION;
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The sample recording that ships with rtev (dist/../recordings/sample.jsonl). */
function bundledSample(): string {
  try {
    return fileURLToPath(new URL('../recordings/sample.jsonl', import.meta.url));
  } catch {
    return 'recordings/sample.jsonl';
  }
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

const HELP_FOOTER = `
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
function count(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number');
  return Number(v);
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535');
  return Number(v);
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/** The filter options of PRODUCT.md §4.3, shared by every reading command. */
function withFilterOptions(cmd: Command): Command {
  return cmd
    .option('--type <pattern>', 'keep these types: wire type, beta alias, variant name or glob (repeatable, comma-separated)', collect)
    .option('--exclude <pattern>', 'drop these types (same patterns as --type)', collect)
    .option('--family <name>', 'keep these families (repeatable, comma-separated)', collect)
    .option('--dir <dir>', 'keep one direction: server or client')
    .option('--response <id>', 'keep events that name this response id')
    .option('--item <id>', 'keep events that name this item id')
    .option('--unknown', 'keep only types the catalogue does not know')
    .option('--errors', 'keep only errors: error events, failed transcriptions and MCP calls, failed responses')
    .option('--since <time>', 'keep events from this ISO time, or this offset from the first event (90s, 2m)')
    .option('--until <time>', 'keep events up to this ISO time or offset');
}

function withReadFlags(cmd: Command): Command {
  return cmd
    .option('--strict', 'exit 1 if any line is malformed')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour');
}

/** A command that reads captures: SOURCE…, --strict, colour, the filter options, and the footer. */
function readingCommand(program: Command, name: string, description: string): Command {
  const cmd = program.command(name).description(description)
    .argument('[source...]', 'capture files (JSONL, recording, JSON array, HAR, gzip); - or nothing for stdin');
  return withFilterOptions(withReadFlags(cmd)).addHelpText('after', HELP_FOOTER);
}

/** How frames are shown by cat, filter --pretty and tail. */
function withDisplayOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--time <mode>', 'time column').choices(['abs', 'rel', 'delta', 'none']).default('abs'))
    .option('--all', 'print every audio delta instead of collapsing runs')
    .option('--wide', 'never cut long values to the terminal width');
}

/** A live source: a WebSocket URL, `openai`, nothing, or --call-id. Anything else is a file. */
function isLive(source: string | undefined, opts: { callId?: string }): boolean {
  return source === undefined || source === 'openai' || /^wss?:\/\//i.test(source) || (opts.callId !== undefined && source === undefined);
}

interface Runner {
  io: Io;
  argv: string[];
  code: number;
}

async function makeCtx(io: Io, colorFlag: boolean | undefined): Promise<Ctx> {
  const [{ makePalette }, { Output }] = await Promise.all([import('./format/palette.js'), import('./format/output.js')]);
  return {
    io,
    palette: makePalette(colorLevel(colorFlag, io.env, io.stdoutIsTTY)),
    out: new Output(io.stdout),
    say: (text) => io.stderr.write(text + '\n'),
  };
}

/**
 * A command's action: build the context (colour from its --color/--no-color), load the command module only
 * now, and keep its exit code. Commander passes the positional argument, then the options.
 */
function act<A>(r: Runner, run: (ctx: Ctx, arg: A, opts: any) => Promise<number>) {
  return async (arg: A, opts: { color?: boolean }) => {
    r.code = await run(await makeCtx(r.io, opts.color), arg, opts);
  };
}

function buildProgram(r: Runner): Command {
  const program = new Command('rtev')
    .description('Inspect, record, replay and analyse OpenAI Realtime API event streams.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => r.io.stdout.write(s),
      writeErr: (s) => r.io.stderr.write(s),
      // Usage errors read like every other rtev message.
      outputError: (s, write) => write(s.replace(/^error: /, 'rtev: ')),
    })
    .showHelpAfterError('(rtev --help for usage)')
    .addHelpText('after', HELP_FOOTER);

  withDisplayOptions(readingCommand(program, 'cat', 'pretty-print captures, one line per event'))
    .option('--json', 'one tagged JSON line per event: {seq, ts, dir, variant, family, [alias], event}')
    .option('--raw', 'the input lines, unchanged')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/cat.js')).runCat(sources, opts, ctx)));

  withDisplayOptions(readingCommand(program, 'filter', 'select events; writes the selected input lines unchanged'))
    .option('-n, --limit <n>', 'stop after N selected events', count)
    .option('--count', 'print only the number of selected events')
    .option('--pretty', "print in cat's format instead of the raw lines (then --time, --all, --wide apply)")
    .option('--json', 'tagged JSON lines, as cat --json')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/filter.js')).runFilter(sources, opts, ctx)));

  readingCommand(program, 'stats', 'summarise captures: counts, responses, tokens, audio, latency, errors')
    .option('--json', 'one JSON object with the documented keys')
    .option('--by-file', 'a summary for each source, then the combined one')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/stats.js')).runStats(sources, opts, ctx)));

  const liveOptions = (cmd: Command) => cmd
    .option('--call-id <id>', 'watch a WebRTC or SIP call: the sideband connection ?call_id=ID')
    .option('--model <model>', 'the model for OpenAI (default $RTEV_MODEL, else gpt-realtime)')
    .option('--header <header>', 'an extra header, "Name: value" (repeatable); the only credential sent to other hosts', collect)
    .option('--reconnect', 'reconnect when the connection ends, with capped exponential backoff')
    .option('--force', 'overwrite the recording file if it exists');

  withDisplayOptions(liveOptions(withFilterOptions(withReadFlags(program.command('tail')
    .description('watch a live session (ws://, wss://, openai) while recording it; or the last events of a file')
    .argument('[source]', 'wss://… or ws://… URL, openai (the default), or a capture file')))))
    .option('--record <file>', 'record to this file (default recordings/<UTC time>_<host>.jsonl)')
    .option('--no-record', 'do not record')
    .option('--exit-after <pattern>', 'end (exit 0) after the first event of this type')
    .option('--timeout <seconds>', 'end after this long: exit 0, or with --exit-after exit 1 if nothing matched by then', count)
    .option('--send <event>', 'after session.created, send client events: JSON, or a file of JSONL or a JSON array (repeatable)', collect)
    .option('--say <text>', 'send a user text message and response.create (repeatable)', collect)
    .option('--audio <file.wav>', 'stream a WAV file as input_audio_buffer.append, in real time (repeatable)', collect)
    .addOption(new Option('--audio-speed <speed>', 'how fast to stream --audio').choices(['real', 'max']).default('real'))
    .option('-n, --lines <n>', 'a file: print its last N events', count, 10)
    .option('-f, --follow', 'a file: keep printing events as they are appended')
    .option('--json', 'tagged JSON lines, as cat --json')
    .addHelpText('after', HELP_FOOTER)
    .action(async (source: string | undefined, opts) => {
      const ctx = await makeCtx(r.io, opts.color);
      if (isLive(source, opts)) {
        const { runLive } = await import('./commands/live.js');
        const { planOutgoing, outgoingOrder, SendError } = await import('./send/outbox.js');
        let items;
        try {
          items = planOutgoing(outgoingOrder(r.argv));
        } catch (e) {
          if (!(e instanceof SendError)) throw e;
          r.io.stderr.write(`rtev: ${e.message}\n`);
          r.code = 2;
          return;
        }
        r.code = await runLive(source, { ...opts, print: true, version: version(), command: 'tail' }, ctx, { items, audioSpeed: opts.audioSpeed });
      } else {
        const { tailFile } = await import('./commands/tail-file.js');
        r.code = await tailFile(source!, opts, ctx);
      }
    });

  liveOptions(program.command('record')
    .description('record a live session (or bare events from stdin: -) without printing it')
    .argument('[source]', 'wss://… or ws://… URL, openai (the default), or - for stdin'))
    .option('-o, --output <file>', 'the recording (default recordings/<UTC time>_<host>.jsonl)')
    .addHelpText('after', HELP_FOOTER)
    .action(async (source: string | undefined, opts) => {
      const ctx = await makeCtx(r.io, false);
      const live = await import('./commands/live.js');
      const o = { ...opts, record: opts.output, print: false, time: 'abs' as const, version: version(), command: 'record' };
      r.code = source === '-' ? await live.recordStdin(o, ctx) : await live.runLive(source, o, ctx);
    });

  readingCommand(program, 'transcript', 'the conversation as text: who said what, tool calls, interruptions, failures')
    .option('--markdown', 'Markdown')
    .option('--json', 'a JSON array of turns')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/transcript.js')).runTranscript(sources, opts, ctx)));

  readingCommand(program, 'audio', 'rebuild the audio as WAV files: one per response, or --join one for the session')
    .requiredOption('-o, --output <dir>', 'the folder to write the WAV files to')
    .option('--join', 'one WAV for the whole session, with silence where time passed')
    .option('--input', "the user's audio, from the client's input_audio_buffer.append frames")
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/audio.js')).runAudio(sources, opts, ctx)));

  readingCommand(program, 'check', 'protocol conformance: unknown types, required fields, order, deltas vs done, duplicate ids')
    .option('--json', 'one JSON object per finding: {file, line, rule, severity, message}')
    .addHelpText('after', `
Rules (severity):
${Object.entries(RULES).map(([id, r]) => `  ${id.padEnd(22)} ${r.severity.padEnd(8)} ${r.about}`).join('\n')}

check exits 1 when an error is found (warnings alone exit 0).`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('./commands/check.js')).runCheck(sources, opts, ctx)));

  program.command('replay')
    .description('serve a capture as a realtime server on loopback: each client gets the server frames, spaced as recorded')
    .argument('<source>', 'a capture file (any format rtev reads)')
    .option('--port <port>', 'the port (0 picks a free one)', port, 0)
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--speed <x>', 'a speed factor (2 = twice as fast), or max: as fast as the client reads', '1')
    .option('--rate <n>', 'frames per second for captures without timestamps (default: as fast as possible)')
    .option('--interactive', "before each turn, wait for the client's response.create, commit, or audio then silence")
    .option('--loop', 'start again from the beginning after the last frame')
    .option('--close', 'close with 1000 after the last frame (by default the connection stays open)')
    .option('--wide', 'never cut long values of client frames')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour')
    .addHelpText('after', HELP_FOOTER)
    .action(act(r, async (ctx, source: string, opts) => (await import('./commands/replay.js')).runReplay(source, opts, ctx)));

  program.command('demo')
    .description('replay a recording on a free local port and watch it live (the bundled sample by default; no API key)')
    .argument('[file]', 'a recording', bundledSample())
    .option('--speed <x>', 'replay speed', '4')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour')
    .action(act(r, async (ctx, file: string, opts) => (await import('./commands/demo.js')).runDemo(file, { speed: opts.speed, version: version() }, ctx)));

  program
    .command('types')
    .description('list the event catalogue: type, variant, family, direction, beta aliases')
    .option('--json', 'one JSON object per variant')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour')
    .action(async (opts) => {
      r.code = await (await import('./commands/types.js')).runTypes(opts, await makeCtx(r.io, opts.color));
    });

  return program;
}

/** Run rtev with these arguments; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const r: Runner = { io, argv, code: 0 };
  const program = buildProgram(r);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    const { FilterError } = await import('./pipeline/filter.js');
    if (e instanceof FilterError) {
      io.stderr.write(`rtev: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return r.code;
}

/** The process's own I/O. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    stdoutIsTTY: !!process.stdout.isTTY,
    stderrIsTTY: !!process.stderr.isTTY,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    onSignal: (handler) => {
      let seen = false;
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.on(sig, () => {
          if (seen) process.exit(sig === 'SIGINT' ? 130 : 143); // a second Ctrl-C does not wait
          seen = true;
          handler(sig);
        });
      }
    },
  };
}

/** The entry point of `bin/rtev`: runs, then sets the exit code. Unexpected errors are one line, no stack. */
export async function run(): Promise<void> {
  // A reader that goes away (| head) is a normal end, not a crash.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  // The process title shows the command but no arguments: a --header or a URL may carry a key.
  const command = process.argv[2];
  process.title = command && /^[a-z]+$/.test(command) ? `rtev ${command}` : 'rtev';
  // Whatever slips through is one line, never a stack trace (RTEV_DEBUG=1 shows it).
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`rtev: internal error: ${(e as Error)?.message ?? e}\n`);
    if (process.env.RTEV_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exit(1);
  });
  try {
    process.exitCode = await main(process.argv.slice(2), processIo());
  } catch (e) {
    process.stderr.write(`rtev: internal error: ${(e as Error)?.message ?? e}\n`);
    if (process.env.RTEV_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exitCode = 1;
  }
}
