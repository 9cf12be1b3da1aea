import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'rtev');
export const fixture = (name: string) => join(ROOT, 'test', 'fixtures', name);
/** The temporary folders this test file made: removed after it (test/setup.ts), so runs do not fill the disk. */
const made: string[] = [];
export const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtev-test-'));
  made.push(dir);
  return dir;
};
export function removeTmp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Result { code: number; stdout: string; stderr: string }
/** A result with the bytes as written, for tests about what reaches a terminal (a lone 0x9B is lost in decoding). */
export interface RawResult extends Result { out: Buffer; err: Buffer }

interface RunOptions {
  stdin?: string | Buffer; env?: Record<string, string>; tty?: boolean; columns?: number;
  /** stdin is a terminal (nothing piped). */
  stdinTty?: boolean;
  /** Receives the handler a command registers for Ctrl-C / SIGTERM, so that a test can stop it. */
  onSignal?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => void;
}

/** Run the CLI in-process, with captured streams and a fixed environment (no colour unless asked). */
export async function rtev(args: string[], o: RunOptions = {}): Promise<RawResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c) => out.push(c));
  stderr.on('data', (c) => err.push(c));
  stdin.end(o.stdin ?? '');
  const code = await main(args, {
    stdout, stderr, stdin, env: o.env ?? {}, stdoutIsTTY: !!o.tty, stderrIsTTY: false, stdinIsTTY: !!o.stdinTty, columns: o.columns, onSignal: o.onSignal,
  });
  const bytes = { out: Buffer.concat(out), err: Buffer.concat(err) };
  return { code, stdout: bytes.out.toString('utf8'), stderr: bytes.err.toString('utf8'), ...bytes };
}

/** Run `node bin/rtev` as a subprocess (the real CLI), optionally through a shell pipeline suffix. */
export function rtevProcess(args: string[], o: { input?: string | Buffer; env?: Record<string, string>; shell?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', TERM: 'dumb', ...o.env };
    const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = o.shell !== undefined
      ? spawn('bash', ['--noprofile', '--norc', '-o', 'pipefail', '-c', `${quoted} ${o.shell}`], { env })
      : spawn(process.execPath, [BIN, ...args], { env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(o.input ?? '');
  });
}
