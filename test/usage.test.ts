// Usage errors are one line and exit 2, naming what clashes; a failed write to stdout is one line and exit 1.
import { execFile, spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, rtev, rtevProcess, tmp, ROOT } from './helpers.js';

const SAMPLE = join(ROOT, 'recordings', 'sample.jsonl');
const HELP = ' (rtev --help for usage)\n';

describe('usage errors', () => {
  it('are one line: the message, then where to look, never a second line', async () => {
    expect(await rtev(['cat', '--x'])).toMatchObject({ code: 2, stderr: `rtev: unknown option '--x'${HELP}`, stdout: '' });
    expect((await rtev(['cat', '--jsn'])).stderr).toBe(`rtev: unknown option '--jsn'; did you mean --json?${HELP}`);
    expect((await rtev(['bogus'])).stderr).toBe(`rtev: unknown command 'bogus'${HELP}`);
    expect((await rtev(['filter', '--limit', 'x'])).stderr).toBe(`rtev: option '-n, --limit <n>' argument 'x' is invalid. expected a whole number${HELP}`);
  });

  it('a --type, --exclude or --family that names nothing (it would match everything) is refused', async () => {
    for (const [opt, v] of [['--type', ''], ['--type', ','], ['--exclude', ' '], ['--family', ',,']]) {
      const r = await rtev(['filter', opt!, v!, '--count', SAMPLE]);
      expect([r.code, r.stdout], `${opt} '${v}'`).toEqual([2, '']);
      expect(r.stderr).toMatch(/^rtev: option '--\w+ <\w+>' argument '.*' is invalid\. expected a name or pattern \(rtev --help for usage\)\n$/);
    }
    expect((await rtev(['filter', '--type', 'response.done,', '--count', SAMPLE])).stdout).toBe('8\n');
  });

  it('filter --jobs without --count is refused (it would do nothing)', async () => {
    const r = await rtev(['filter', '--jobs', '2', '--type', 'response.done', SAMPLE]);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `rtev: option '--jobs' applies with --count only: selected lines are written in order by one thread${HELP}` });
    expect((await rtev(['filter', '--jobs', '2', '--count', '--type', 'response.done', SAMPLE])).stdout).toBe('8\n');
  });

  it('conflicting options name the clash', async () => {
    const cases: [string[], string][] = [
      [['cat', '--raw', '--json', SAMPLE], "option '--raw' cannot be used with option '--json'"],
      [['filter', '--count', '--pretty', SAMPLE], "option '--count' cannot be used with option '--pretty'"],
      [['filter', '--json', '--pretty', SAMPLE], "option '--pretty' cannot be used with option '--json'"],
      [['filter', '--count', '--json', SAMPLE], "option '--count' cannot be used with option '--json'"],
      [['transcript', '--json', '--markdown', SAMPLE], "option '--markdown' cannot be used with option '--json'"],
      [['tail', SAMPLE, '--say', 'hi'], "option '--say' applies to a live session (ws://, wss://, openai, live, translate), not to a file SOURCE"],
      [['tail', SAMPLE, '--exit-after', 'response.done'], "option '--exit-after' applies to a live session (ws://, wss://, openai, live, translate), not to a file SOURCE"],
      [['tail', SAMPLE, '--no-record'], "option '--no-record' applies to a live session (ws://, wss://, openai, live, translate), not to a file SOURCE"],
      [['tail', 'ws://127.0.0.1:9/x', '--no-record', '--record', 'f.jsonl'], "option '--record' cannot be used with option '--no-record'"],
      [['tail', 'ws://127.0.0.1:9/x', '--record', 'f.jsonl', '--no-record'], "option '--record' cannot be used with option '--no-record'"],
      [['tail', 'ws://127.0.0.1:9/x', '-f'], "option '--follow' applies to a file SOURCE, not to a live session"],
    ];
    for (const [args, message] of cases) {
      const r = await rtev(args);
      expect(r, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `rtev: ${message}${HELP}` });
    }
    // Each option alone is fine.
    expect((await rtev(['filter', '--count', SAMPLE])).code).toBe(0);
    expect((await rtev(['tail', '-n', '1', SAMPLE])).code).toBe(0);
  });

  it('a bad --header is a usage error, exit 2, before connecting (no internal error)', async () => {
    for (const [h, msg] of [
      ['Bad Name: x', 'rtev: --header "Bad Name": not a valid header name'],
      ['X-Key: a\rInjected: 1', 'rtev: --header X-Key: the value holds a control character'],
      ['X-Key: a\nb', 'rtev: --header X-Key: the value holds a control character'],
      ['X-Key: \x1b[31mred', 'rtev: --header X-Key: the value holds a control character'],
    ]) {
      const r = await rtevProcess(['tail', 'ws://127.0.0.1:9/v1/realtime', '--no-record', '--header', h!]);
      expect(r.code, JSON.stringify(h)).toBe(2);
      expect(r.stderr.startsWith(msg!)).toBe(true);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/internal error|\x1b/);
    }
  });

  it('audio -o an existing file, or a folder that cannot be made, fails at once in one line', async () => {
    const dir = tmp();
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    expect(await rtev(['audio', SAMPLE, '-o', file])).toMatchObject({ code: 2, stderr: `rtev: -o ${file}: exists and is not a folder; audio writes its WAV files into a folder\n` });
    const t0 = Date.now();
    const r = await rtevProcess(['audio', SAMPLE, '-o', '/proc/nope/x']);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ code: 1, stderr: 'rtev: -o /proc/nope: cannot make the folder: its parent cannot hold folders\n' });
  });

  it('export -o under /proc fails at once (its recursive mkdir never returned; found by scripts/hostile-run.mjs)', () => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'export', SAMPLE, '-o', '/proc/nope/x'], { timeout: 10_000, encoding: 'utf8' });
    expect(Date.now() - t0).toBeLessThan(8000);
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 1, stderr: 'rtev: -o /proc/nope: cannot make the folder: its parent cannot hold folders\n' });
  });
});

describe('a full disk or a file-size limit on stdout', () => {
  it('is one line and exit 1, never a stack trace', async () => {
    for (const args of [['cat', SAMPLE], ['filter', SAMPLE], ['stats', SAMPLE], ['--help']]) {
      const r = await rtevProcess(args, { shell: '> /dev/full' });
      expect(r, args.join(' ')).toMatchObject({ code: 1, stderr: 'rtev: cannot write to stdout: no space left on device (ENOSPC)\n' });
    }
  });

  it('a short write at the limit is not lost without a word', async () => {
    const out = join(tmp(), 'out');
    // 20 KiB allowed; cat --wide writes about 30 KB in one block, which the limit cuts short (Node's own file
    // stream would drop the rest silently and exit 0).
    const limited = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('bash', ['-c', `ulimit -f 20; exec '${join(ROOT, 'bin', 'rtev')}' cat --wide '${SAMPLE}' > '${out}'`], (e, _stdout, stderr) => {
        resolve({ code: e ? (e.code as number) : 0, stderr });
      });
    });
    expect(limited).toEqual({ code: 1, stderr: 'rtev: cannot write to stdout: file too large (over the file-size limit, ulimit -f) (EFBIG)\n' });
    expect(statSync(out).size).toBe(20 * 1024);
  });
});

describe('a live URL ws refuses', () => {
  it('a #fragment is a usage error, not an internal error', async () => {
    const r = await rtevProcess(['tail', 'ws://127.0.0.1:9/x?api_key=sk-abcdef123#frag', '--no-record']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('rtev: ws://127.0.0.1:9/x?api_key=REDACTED#frag: a WebSocket URL cannot have a #fragment');
    expect(r.stderr).not.toContain('sk-abcdef123');
  });
});
