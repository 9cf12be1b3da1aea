// The single executable (npm run build:bin) behaves exactly like `node bin/rtev`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, rtevProcess, ROOT, tmp, type Result } from './helpers.js';

const BIN = join(ROOT, 'dist', 'rtev');

function sea(args: string[], o: { input?: string; env?: Record<string, string>; shell?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', TERM: 'dumb', ...o.env };
    const quoted = [BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = o.shell !== undefined
      ? spawn('bash', ['--noprofile', '--norc', '-o', 'pipefail', '-c', `${quoted} ${o.shell}`], { env })
      : spawn(BIN, args, { env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.end(o.input ?? '');
  });
}

describe('single executable', () => {
  beforeAll(() => {
    // Build it unless a binary newer than the compiled sources is already there.
    const fresh = existsSync(BIN) && statSync(BIN).mtimeMs > statSync(join(ROOT, 'dist', 'cli.js')).mtimeMs;
    if (!fresh) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-bin.mjs')], { stdio: 'pipe' });
  }, 120000);

  const same = async (args: string[], o: { input?: string; env?: Record<string, string>; shell?: string } = {}) => {
    const a = await sea(args, o);
    const b = await rtevProcess(args, o);
    expect(a, args.join(' ')).toEqual(b);
    return a;
  };

  it('prints the same help and version, with nothing on stderr', async () => {
    expect((await same(['--help'])).stderr).toBe('');
    expect((await same(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    await same(['cat', '--help']);
  });

  it('gives the same cat --json, pretty output and stats', async () => {
    expect((await same(['cat', '--json', fixture('real-beta-webrtc-session.jsonl')])).stdout.split('\n')).toHaveLength(1345);
    await same(['cat', fixture('spec-ga-server-events.jsonl')]);
    await same(['stats', '--json', join(ROOT, 'recordings', 'sample.jsonl')]);
  });

  it('reads several SOURCEs with --jobs in its one thread (no worker file beside it), printing what node does', async () => {
    const sources = [join(ROOT, 'recordings', 'sample.jsonl'), fixture('diagnosis.jsonl'), fixture('spec-ga-server-events.jsonl')];
    for (const cmd of [['stats', '--json'], ['check'], ['turns'], ['filter', '--count']]) {
      const r = await same([...cmd, '--jobs', '2', ...sources]);
      expect(r.stderr).not.toContain('Error');
    }
  });

  it('reads stdin, ends quietly at | head -1, and keeps exit codes and colour decisions', async () => {
    await same(['cat', '-', '--time', 'none'], { input: '{"type":"error","event_id":"e","error":{"code":"x"}}\nnope\n' });
    const head = await same(['cat', fixture('real-beta-webrtc-session.jsonl')], { shell: '| head -1' });
    expect(head).toMatchObject({ code: 0, stderr: '' });
    expect((await same(['cat', '--bogus'])).code).toBe(2);
    expect((await same(['cat', 'missing.jsonl'])).code).toBe(1);
    expect((await same(['cat', fixture('spec-ga-server-events.jsonl')], { env: { FORCE_COLOR: '1' } })).stdout).toContain('\x1b[');
    expect((await same(['cat', fixture('spec-ga-server-events.jsonl')], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
  });

  it('exports the same Parquet files, byte for byte, as node bin/rtev (DuckDB is not needed to write them)', async () => {
    const a = join(tmp(), 'sea');
    const b = join(tmp(), 'node');
    const source = join(ROOT, 'recordings', 'sample.jsonl');
    const x = await sea(['export', source, fixture('real-beta-webrtc-session.jsonl'), '-o', a, '--partition', 'date']);
    const y = await rtevProcess(['export', source, fixture('real-beta-webrtc-session.jsonl'), '-o', b, '--partition', 'date']);
    expect(x.code, x.stderr).toBe(0);
    expect(x.stdout.replace(a, 'DIR')).toBe(y.stdout.replace(b, 'DIR'));
    const files = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).filter((f) => f.endsWith('.parquet')).sort();
    expect(files(a)).toHaveLength(8);
    expect(files(a)).toEqual(files(b));
    for (const f of files(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
  });
});
