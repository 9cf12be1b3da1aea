import type { Output } from '../format/output.js';
import type { Palette } from '../format/palette.js';

/** What a command may touch of the outside world; only `cli.ts` builds it from `process`. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** stdin is a terminal: nothing is piped in (a reading command with no SOURCE says it waits for input). */
  stdinIsTTY?: boolean;
  /** The terminal's width, when stdout is one. */
  columns: number | undefined;
  /** Register what to do on Ctrl-C / SIGTERM (live commands flush and end cleanly). */
  onSignal?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => void;
}

export interface Ctx {
  io: Io;
  palette: Palette;
  out: Output;
  /** Write one line (or more) of talk to stderr. */
  say(text: string): void;
  /** The command running (`cat`), for messages that suggest a command line. */
  command?: string;
}

/** Exit codes, as documented in `--help`. */
export const EXIT = { ok: 0, failure: 1, usage: 2, sigint: 130, sigterm: 143 } as const;
