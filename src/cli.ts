/**
 * The shell: the only module (with its command groups in cli/) that reads argv, the environment and the
 * terminal, and decides exit codes. Command modules (and chalk) are loaded only when their command runs, so
 * `--version` and `--help` start fast. Each group in cli/ registers its commands; this file only assembles.
 */
import { Command, CommanderError } from 'commander';
import type { Io } from './commands/context.js';
import { catalogueCommands } from './cli/catalogue.js';
import { diagnosisCommands } from './cli/diagnosis.js';
import { fleetCommands } from './cli/fleet.js';
import { liveCommands } from './cli/live.js';
import { proxyCommands } from './cli/proxy.js';
import { readingCommands } from './cli/reading.js';
import { reportCommands } from './cli/report.js';
import { HELP_FOOTER, tidyHelp, version, type Runner } from './cli/shared.js';
import { escapeControls } from './format/escape.js';
import { writeError } from './record/write-error.js';

export { colorLevel } from './cli/shared.js';

/**
 * A usage error as one line that reads like every other rtev message: `rtev: unknown option '--x' (rtev --help
 * for usage)`. Commander's own second line (a suggestion) joins the first.
 */
export function usageLine(s: string): string {
  const text = s.trim().replace(/^error: /, 'rtev: ').replace(/\n\(Did you mean (.*)\?\)$/, '; did you mean $1?').replace(/\s*\n\s*/g, ' ');
  // It quotes what was typed (an unknown command or option, a bad value): escaped like everything else.
  return `${escapeControls(text)} (rtev --help for usage)\n`;
}

function buildProgram(r: Runner): Command {
  const program = new Command('rtev')
    .description('Inspect, record, replay and analyse OpenAI Realtime API event streams.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => r.io.stdout.write(s),
      writeErr: (s) => r.io.stderr.write(s),
      outputError: (s, write) => write(usageLine(s)),
    })
    .addHelpText('after', HELP_FOOTER);
  readingCommands(program, r);
  diagnosisCommands(program, r);
  fleetCommands(program, r);
  liveCommands(program, r);
  proxyCommands(program, r);
  reportCommands(program, r);
  catalogueCommands(program, r);
  tidyHelp(program);
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
      io.stderr.write(`rtev: ${escapeControls(e.message)}\n`);
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
    stdinIsTTY: !!process.stdin.isTTY,
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
  // A reader that goes away (| head) is a normal end, not a crash; a write that fails (a full disk) is one line
  // and exit 1. Commands stop when their output closes (Output.closed); one still running 2 s later is ended.
  let stdoutFailed: NodeJS.ErrnoException | null = null;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (stdoutFailed) return;
    stdoutFailed = e;
    if (e.code !== 'EPIPE') {
      process.stderr.write(`rtev: cannot write to stdout: ${writeError(e)}\n`);
      process.exitCode = 1;
    }
    setTimeout(() => process.exit(e.code === 'EPIPE' ? 0 : 1), 2000).unref();
  });
  // The process title shows the command but no arguments: a --header or a URL may carry a key.
  const command = process.argv[2];
  process.title = command && /^[a-z]+$/.test(command) ? `rtev ${command}` : 'rtev';
  // Whatever slips through is one line, never a stack trace (RTEV_DEBUG=1 shows it).
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`rtev: internal error: ${escapeControls(String((e as Error)?.message ?? e))}\n`);
    if (process.env.RTEV_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exit(1);
  });
  try {
    const code = await main(process.argv.slice(2), processIo());
    const failed = stdoutFailed as NodeJS.ErrnoException | null;
    // Interrupted: the recording is flushed; stdout may be a pipe nobody reads, so do not wait for it.
    if (code === 130 || code === 143) process.exit(code);
    process.exitCode = failed && failed.code !== 'EPIPE' ? 1 : code;
  } catch (e) {
    process.stderr.write(`rtev: internal error: ${escapeControls(String((e as Error)?.message ?? e))}\n`);
    if (process.env.RTEV_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    process.exitCode = 1;
  }
}
