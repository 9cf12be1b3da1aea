// rtev sql: queries on the embedded DuckDB give the counts that stats --json gives of the same captures.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, rtev, rtevProcess, ROOT, tmp } from './helpers.js';

const SAMPLE = join(ROOT, 'recordings', 'sample.jsonl');
const BETA = fixture('real-beta-webrtc-session.jsonl');

const statsOf = async (f: string) => JSON.parse((await rtev(['stats', '--json', f])).stdout);

describe('rtev sql', () => {
  it('groups the events of two recordings by source and type, as JSON and as CSV', async () => {
    const q = "SELECT source, type, count(*) AS n FROM events WHERE type IN ('response.done', 'response.created', 'error') GROUP BY ALL ORDER BY source, type";
    const r = await rtev(['sql', '--json', q, SAMPLE, BETA]);
    expect(r.code, r.stderr).toBe(0);
    const want: { source: string; type: string; n: number }[] = [];
    for (const f of [BETA, SAMPLE].sort()) {
      const types = (await statsOf(f)).types;
      for (const t of ['error', 'response.created', 'response.done']) if (types[t]) want.push({ source: f, type: t, n: types[t] });
    }
    expect(JSON.parse(r.stdout)).toEqual(want);
    const csv = await rtev(['sql', '--csv', q, SAMPLE, BETA]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(['source,type,n', ...want.map((w) => `${w.source},${w.type},${w.n}`)].join('\r\n') + '\r\n');
    const jsonl = await rtev(['sql', '--jsonl', q, SAMPLE, BETA]);
    expect(jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(want);
  });

  it("answers fleet questions: turns and cost per session equal stats'", async () => {
    const r = await rtev(['sql', '--json', 'SELECT source, turns, interrupted, cost_usd, total_tokens FROM sessions ORDER BY source', SAMPLE, BETA]);
    expect(r.code, r.stderr).toBe(0);
    const want = [];
    for (const f of [BETA, SAMPLE].sort()) {
      const s = await statsOf(f);
      want.push({ source: f, turns: s.turns.total, interrupted: s.turns.interrupted, cost_usd: s.cost_usd.total, total_tokens: s.usage.total_tokens });
    }
    expect(JSON.parse(r.stdout)).toEqual(want);
  });

  it('prints a table on a terminal, with stream text escaped, and reads an export folder with --from', async () => {
    const dir = join(tmp(), 'out');
    expect((await rtev(['export', SAMPLE, '-o', dir, '--partition', 'date'])).code).toBe(0);
    const q = "SELECT date, count(*) AS turns, quantile_cont(first_audio_ms, 0.95) AS p95 FROM turns GROUP BY date";
    const r = await rtev(['sql', '--from', dir, q], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^date\s+turns\s+p95$/);
    expect(lines[1]).toMatch(/^2026-11-25\s+6\s+\d+(\.\d+)?$/);
    expect(lines[2]).toBe('(1 row)');
    // A transcript carrying an escape sequence is shown escaped, never raw.
    const evil = join(tmp(), 'evil.jsonl');
    writeFileSync(evil, readFileSync(SAMPLE, 'utf8').replace('Hi there!', 'Hi \\u001b[31mthere\\u001b]0;pwned\\u0007'));
    const t = await rtev(['sql', 'SELECT user_transcript FROM turns WHERE turn = 1', evil], { tty: true, env: { NO_COLOR: '1' } });
    expect(t.stdout).toContain('Hi \\x1b[31mthere\\x1b]0;pwned\\x07');
    expect(t.stdout).not.toContain('\x1b');
  });

  it('says what is wrong in one line: a bad query, a missing folder, conflicting flags', async () => {
    const bad = await rtev(['sql', 'SELECT nope FROM turns', SAMPLE]);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/^rtev: sql: Binder Error: Referenced column "nope" not found/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(await rtev(['sql', '--from', join(tmp(), 'none'), 'SELECT 1'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no such folder/) });
    expect((await rtev(['sql', '--json', '--csv', 'SELECT 1', SAMPLE])).code).toBe(2);
    expect((await rtev(['sql', '--from', tmp(), 'SELECT 1', SAMPLE])).code).toBe(2);
  });

  it('removes its temporary export, and queries an empty folder of tables', async () => {
    const temps = () => readdirSync(tmpdir()).filter((f) => f.startsWith('rtev-sql-')).length;
    const before = temps();
    expect((await rtev(['sql', 'SELECT 1', SAMPLE])).code).toBe(0);
    expect(temps()).toBe(before);
    const empty = tmp();
    const r = await rtev(['sql', '--json', 'SELECT count(*) AS n FROM turns', '--from', empty]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ n: 0 }]);
  });

  it('runs as a real process: statements in turn, the last one written', async () => {
    const r = await rtevProcess(['sql', '--csv', 'CREATE TABLE x AS SELECT count(*) AS n FROM events; SELECT n * 2 AS twice FROM x', SAMPLE]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`twice\r\n${2 * 768}\r\n`);
  });
});

describe('rtev sql without DuckDB', () => {
  it('says so in one line, naming the install command, and exit 1; export still works', async () => {
    // An install of rtev whose optional DuckDB is absent: the built CLI with its other dependencies only.
    const app = tmp();
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true, filter: (f) => !f.endsWith('/rtev') && !f.endsWith('.cjs') });
    cpSync(join(ROOT, 'bin'), join(app, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    mkdirSync(join(app, 'node_modules'));
    for (const dep of ['chalk', 'commander', 'ws', 'hyparquet-writer', 'hyparquet']) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(app, 'bin', 'rtev'), ...args], { cwd: app, env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    const r = await run(['sql', 'SELECT 1', SAMPLE]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "rtev: sql needs DuckDB's native package, which cannot be loaded here; install it with: npm install @duckdb/node-api\n" });
    const e = await run(['export', SAMPLE, '-o', join(app, 'out')]);
    expect(e.code, e.stderr).toBe(0);
    expect(readdirSync(join(app, 'out')).sort()).toEqual(['events.parquet', 'responses.parquet', 'sessions.parquet', 'turns.parquet']);
  });
});

describe('rtev export at fleet scale', () => {
  it('exports 2,000 small generated recordings in one run, in flat memory', async () => {
    const src = tmp();
    // Ten generated sessions (without audio, to keep the test's disk use small), each written 200 times under its
    // own session id: 2,000 recordings, 55 MB.
    const bases = Array.from({ length: 10 }, (_, i) => execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--client', '--no-audio', '--turns', '2', '--seed', String(i + 1)]).toString());
    let frames = 0;
    for (let k = 0; k < 2000; k++) {
      const base = bases[k % 10]!;
      const sub = join(src, `day-${k % 7}`);
      if (k < 7) mkdirSync(sub);
      writeFileSync(join(sub, `call-${String(k).padStart(4, '0')}.jsonl`), base.replace(/"sess_[A-Za-z0-9]+"/g, `"sess_fleet_${k}"`));
      frames += base.trim().split('\n').filter((l) => !l.includes('"dir":"meta"')).length;
    }
    const out = join(tmp(), 'out');
    // The real CLI under /usr/bin/time: its peak resident memory, in KB, is the last line of stderr.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'bin', 'rtev'), 'export', src, '-o', out, '--partition', 'date']);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    const rssMB = Number(r.stderr.trim().split('\n').pop()) / 1024;
    console.log(`rtev export of 2,000 recordings: peak RSS ${rssMB.toFixed(0)} MB`);
    expect(rssMB).toBeLessThan(300);
    expect(r.stdout).toMatch(/^sessions +2,000 rows in \d+ files?$/m);
    const q = await rtev(['sql', '--json', '--from', out, 'SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(DISTINCT session_id) FROM events) AS ids, (SELECT count(*) FROM events) AS events']);
    expect(JSON.parse(q.stdout)).toEqual([{ sessions: 2000, ids: 2000, events: frames }]);
  }, 120000);
});
