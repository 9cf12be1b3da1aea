// --jobs N: many SOURCEs read on worker threads give the same bytes, in the same order, as --jobs 1.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT, rtevProcess, tmp } from './helpers.js';

const GEN = join(ROOT, 'bench', 'gen-capture.mjs');
const SAMPLE = join(ROOT, 'recordings', 'sample.jsonl');
let dir = '';

/** ~30 varied recordings: generated (sizes, seeds, protocols), the fixtures, malformed lines, an empty file, a gzip in a subfolder. */
function fleet(): string {
  const d = tmp();
  const gen = (name: string, args: string[]) => execFileSync(process.execPath, [GEN, ...args, '--out', join(d, name)]);
  for (let i = 1; i <= 14; i++) gen(`gen-${String(i).padStart(2, '0')}.jsonl`, ['--client', ...(i % 3 ? ['--no-audio'] : []), '--turns', String((i % 6) + 1), '--seed', String(i)]);
  gen('bare.jsonl', ['--turns', '3', '--seed', '40']);
  gen('live.jsonl', ['--protocol', 'live', '--turns', '3', '--seed', '41']);
  gen('translation.jsonl', ['--protocol', 'translation', '--turns', '3', '--seed', '42']);
  gen('sideband.jsonl', ['--protocol', 'live', '--sideband', '--turns', '2', '--seed', '43']);
  for (const f of ['diagnosis.jsonl', 'real-beta-webrtc-session.jsonl', 'session-not-applied.jsonl', 'spec-beta-server-events.jsonl', 'spec-ga-client-events.jsonl', 'spec-ga-server-events.jsonl']) copyFileSync(fixture(f), join(d, f));
  copyFileSync(SAMPLE, join(d, 'sample.jsonl'));
  const lines = readFileSync(SAMPLE, 'utf8').split('\n');
  writeFileSync(join(d, 'malformed.jsonl'), [...lines.slice(0, 5), 'not json', '{"type":', ...lines.slice(5, 20), '{}', '[1]', ''].join('\n'));
  writeFileSync(join(d, 'empty.jsonl'), '');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'zipped.jsonl.gz'), gzipSync(readFileSync(SAMPLE)));
  return d;
}

describe('--jobs', () => {
  beforeAll(() => {
    dir = fleet();
  }, 60000);

  const both = async (args: string[], env: Record<string, string> = {}) => {
    const one = await rtevProcess([...args, '--jobs', '1']);
    const two = await rtevProcess([...args, '--jobs', '2'], { env });
    expect(two, args.join(' ')).toEqual(one);
    return one;
  };

  it.each([
    ['stats'], ['stats', '--json'], ['stats', '--by-file'], ['stats', '--json', '--by-file', '--type', 'response.*'],
    ['filter', '--count'], ['filter', '--count', '--type', 'response.done'],
    ['check'], ['check', '--json'],
    ['turns'], ['turns', '--json'], ['turns', '--since', '2026-11-25T12:00:10Z'],
  ])('%s gives the same stdout, stderr and exit code with --jobs 2 as with --jobs 1', async (...args) => {
    const r = await both([...args, dir]);
    // Not trivially equal: the run read the malformed file (its lines named in order) and wrote something.
    expect(r.stderr).toContain('malformed.jsonl:6: ');
    expect(r.stderr).toContain('malformed.jsonl:7: ');
    expect(r.stdout.length).toBeGreaterThan(1);
  }, 60000);

  it('reads --prices in every worker', async () => {
    const prices = join(tmp(), 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'gpt-realtime': { text_in: 1, text_out: 2, audio_in: 3, audio_out: 4, text_cached: 0.5 } }));
    const files = [SAMPLE, fixture('diagnosis.jsonl')];
    const r = await both(['stats', '--json', '--prices', prices, ...files]);
    const plain = JSON.parse((await rtevProcess(['stats', '--json', ...files])).stdout);
    expect(JSON.parse(r.stdout).cost_usd.total).toBeLessThan(plain.cost_usd.total / 5);
    await both(['turns', '--prices', prices, ...files]);
  });

  it('turns: seq counts across the whole run, as in --jobs 1, though each worker counts from 1', async () => {
    const files = [join(dir, 'gen-01.jsonl'), join(dir, 'gen-02.jsonl')];
    const r = await both(['turns', '--json', ...files]);
    const seqs = r.stdout.trim().split('\n').map((l) => JSON.parse(l).seq as number);
    const first = readFileSync(files[0]!, 'utf8').trim().split('\n').length;
    expect(seqs.at(-1)).toBeGreaterThan(first);
  });

  it('reads in the main thread, with the same output, when no worker can be made (RTEV_JOBS_IN_THREAD=1)', async () => {
    for (const cmd of [['stats', '--json'], ['check'], ['turns'], ['filter', '--count']]) await both([...cmd, dir], { RTEV_JOBS_IN_THREAD: '1' });
  }, 60000);

  it('lists folders that cannot be read in their place, and stops quietly when stdout closes', async () => {
    const empty = join(tmp(), 'nothing');
    mkdirSync(empty);
    const r = await both(['filter', '--count', join(dir, 'gen-01.jsonl'), empty, join(dir, 'gen-02.jsonl'), join(dir, 'missing.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([`rtev: ${empty}: a folder with no captures (.jsonl, .json or .har, optionally .gz, in it or its subfolders)`, expect.stringMatching(/^rtev: .*missing\.jsonl: /)]);
    const head = await rtevProcess(['turns', '--jobs', '2', dir], { shell: '| head -1' });
    expect(head).toMatchObject({ code: 0, stderr: expect.not.stringContaining('Error') });
  }, 60000);

  /** Small files and one of 4 MiB or more, which export and turns read in the main thread in its turn. */
  let bigFleet = '';
  const withBig = () => {
    if (bigFleet) return bigFleet;
    bigFleet = join(tmp(), 'fleet');
    mkdirSync(bigFleet);
    for (const f of ['gen-01.jsonl', 'gen-02.jsonl', 'malformed.jsonl', 'real-beta-webrtc-session.jsonl', 'live.jsonl']) copyFileSync(join(dir, f), join(bigFleet, f));
    execFileSync(process.execPath, [GEN, '--client', '--turns', '8', '--seed', '9', '--out', join(bigFleet, 'gen-03-big.jsonl')]);
    execFileSync(process.execPath, [GEN, '--client', '--no-audio', '--turns', '2', '--seed', '10', '--out', join(bigFleet, 'gen-04.jsonl')]);
    expect(statSync(join(bigFleet, 'gen-03-big.jsonl')).size).toBeGreaterThan(4 << 20);
    return bigFleet;
  };

  it('turns, with a file of 4 MiB or more among small ones (read in the main thread in its turn), gives the same output as --jobs 1', async () => {
    for (const args of [['turns'], ['turns', '--json']]) {
      const r = await both([...args, withBig(), dir]);
      expect(r.stdout.trim().split('\n').length).toBeGreaterThan(20);
    }
  }, 120000);

  it('export writes the same files, byte for byte, with --jobs 2 as with --jobs 1 (a file of 4 MiB or more read in the main thread in its turn)', async () => {
    // A big file among the small ones: the workers send small files' rows back; the main thread reads this one.
    const big = withBig();
    for (const layout of [[], ['--partition', 'date', '--no-json'], ['--format', 'jsonl']]) {
      const out = [join(tmp(), 'one'), join(tmp(), 'two')];
      const runs = await Promise.all([1, 2].map((j, k) => rtevProcess(['export', dir, big, '-o', out[k]!, '--jobs', String(j), ...layout])));
      expect(runs[1]!.code).toBe(runs[0]!.code);
      expect(runs[1]!.stderr).toBe(runs[0]!.stderr);
      expect(runs[1]!.stdout.replaceAll(out[1]!, 'DIR')).toBe(runs[0]!.stdout.replaceAll(out[0]!, 'DIR'));
      expect(runs[0]!.stderr).toContain('malformed.jsonl:6: ');
      const files = (d: string) => (readdirSync(d, { recursive: true }) as string[]).filter((f) => statSync(join(d, f)).isFile()).sort();
      expect(files(out[1]!)).toEqual(files(out[0]!));
      expect(files(out[0]!).length).toBeGreaterThanOrEqual(4);
      for (const f of files(out[0]!)) expect(readFileSync(join(out[1]!, f)).equals(readFileSync(join(out[0]!, f))), f).toBe(true);
    }
  }, 120000);

  it('takes a whole number of 1 or more, else a one-line usage error (exit 2)', async () => {
    for (const bad of ['0', 'x', '-1', '1.5']) {
      const r = await rtevProcess(['stats', '--jobs', bad, SAMPLE]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^rtev: option '-j, --jobs <n>' argument '.*' is invalid/);
    }
  });
});

describe('check: each source is its own session', () => {
  it('does not report the ids of one recording as duplicates of another (a fleet of copies)', async () => {
    const d = tmp();
    for (const k of [1, 2, 3]) copyFileSync(SAMPLE, join(d, `call-${k}.jsonl`));
    for (const jobs of ['1', '2']) {
      const r = await rtevProcess(['check', '--jobs', jobs, d]);
      expect(r.stdout).not.toContain('duplicate-event-id');
    }
    // Within one recording a repeated id is still found.
    const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n');
    const server = lines.find((l) => l.includes('"dir":"server"') && l.includes('"event_id"'))!;
    writeFileSync(join(d, 'call-2.jsonl'), [...lines, server].join('\n') + '\n');
    for (const jobs of ['1', '2']) {
      const r = await rtevProcess(['check', '--jobs', jobs, d]);
      expect(r.stdout.match(/duplicate-event-id/g)).toHaveLength(1);
      expect(r.stdout).toContain(`call-2.jsonl:${lines.length + 1}: duplicate-event-id`);
      expect(r.code).toBe(1);
    }
  });
});

describe('stats: the span of several sources', () => {
  it('runs from the earliest time to the latest, whatever the order of the sources', async () => {
    for (const order of [[SAMPLE, fixture('diagnosis.jsonl')], [fixture('diagnosis.jsonl'), SAMPLE]]) {
      for (const jobs of ['1', '2']) {
        const span = JSON.parse((await rtevProcess(['stats', '--json', '--jobs', jobs, ...order])).stdout).span;
        expect(span).toEqual({ first: '2026-11-25T12:00:00.000Z', last: '2026-11-25T12:00:58.642Z', seconds: 58.642 });
      }
    }
  });
});

describe('the pool (dist/parallel/pool.js, real worker threads)', () => {
  it('hands results over in task order, a big first file holding back the small ones read meanwhile', async () => {
    const pool = await import(join(ROOT, 'dist', 'parallel', 'pool.js'));
    const one = await import(join(ROOT, 'dist', 'parallel', 'read-one.js'));
    const d = tmp();
    execFileSync(process.execPath, [GEN, '--client', '--turns', '400', '--seed', '7', '--out', join(d, 'a-big.jsonl')]);
    for (let k = 0; k < 30; k++) copyFileSync(SAMPLE, join(d, `b-${k}.jsonl`));
    const files = [join(d, 'a-big.jsonl'), ...Array.from({ length: 30 }, (_, k) => join(d, `b-${k}.jsonl`))];
    const tasks = files.map((file) => ({ name: 'count', opts: {}, file }));
    const workers = pool.startWorkers(2);
    expect(workers).not.toBeNull();
    const got: number[] = [];
    await pool.runInOrder(workers, tasks.map((t) => [t]), async (r: { partial: number }) => { got.push(r.partial); return true; });
    const want = await Promise.all(tasks.map(async (t) => (await one.readOne(t)).partial as number));
    expect(got).toEqual(want);
    expect(got[0]).toBeGreaterThan(got[1]! * 5);
  }, 60000);
});
