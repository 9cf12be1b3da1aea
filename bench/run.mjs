#!/usr/bin/env node
// npm run bench [-- --quick] [-- --only stats,filter,cat,check,many,model,report,export,live,proxy,startup]
// check: rtev check on the event-heavy capture (time and peak RSS: bounded memory). many: 2,000 small recordings
// and 8 medium ones read by stats, filter --count, check, turns and export, with --jobs 1 and the default.
// report: rtev report (--no-audio and with audio) against stats, and its page's time to interactive in Chromium.
// model: stats, turns and session (the turn model) on the audio-heavy capture; with RTEV_BASELINE=/path/to/rtev
// (a build from before the model) its stats is timed too, for the ratio.
// Times rtev against jq (and grep, the floor) on the same generated captures, in the same run, and prints a
// Markdown table: MB/s, ratio to jq, peak RSS. Captures are made by bench/gen-capture.mjs into bench/data/
// (kept between runs). Needs jq and /usr/bin/time (Debian packages `jq` and `time`).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = join(root, 'bench', 'data');
const rtev = join(root, 'bin', 'rtev');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const want = (name) => !only || only.includes(name);

for (const tool of ['jq', '/usr/bin/time']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench: ${tool} is missing (apt-get install ${tool === 'jq' ? 'jq' : 'time'})`);
    process.exit(1);
  }
}
mkdirSync(data, { recursive: true });
// The machine, and how busy it was when the run began: on a shared machine every figure depends on it.
const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
console.error(`bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadAtStart}`);

/**
 * Each core's speed now: the same fixed loop (awk, not Node) pinned to each core in turn, in seconds. On a quiet
 * host every core gives the same; a shared virtual machine's cores have measured up to 2× apart, and apart from
 * one minute to the next, which moves every figure of a run (and bounds what --jobs can gain). Null without taskset.
 */
function coreSpeeds() {
  if (spawnSync('sh', ['-c', 'command -v taskset']).status !== 0) return null;
  return cpus().map((_, c) => {
    const s = process.hrtime.bigint();
    spawnSync('taskset', ['-c', String(c), 'awk', 'BEGIN { for (i = 0; i < 3e7; i++) x += i }']);
    return (Number(process.hrtime.bigint() - s) / 1e9).toFixed(2);
  }).join(' / ');
}
const coresAtStart = coreSpeeds();
if (coresAtStart) console.error(`bench: one loop per core (s): ${coresAtStart}`);

function capture(name, genArgs) {
  const file = join(data, name);
  if (!existsSync(file)) {
    console.error(`bench: generating ${name} …`);
    execFileSync(process.execPath, [join(root, 'bench', 'gen-capture.mjs'), ...genArgs, '--out', file], { stdio: 'inherit' });
  }
  execFileSync('sh', ['-c', `cat '${file}' > /dev/null`]); // warm the page cache: we time rtev, not the disk
  return { file, bytes: statSync(file).size };
}

/** Run a shell command under /usr/bin/time; best wall time of `runs`, and the peak RSS seen. */
function time(cmd, runs) {
  let best = Infinity, rss = 0, out = '';
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-o', 'pipefail', '-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const last = r.stderr.trim().split('\n').pop();
    if (r.status !== 0) throw new Error(`bench: failed (${r.status}): ${cmd}\n${r.stderr}`);
    const [secs, kb] = last.split(' ').map(Number);
    best = Math.min(best, secs);
    rss = Math.max(rss, kb);
    out = r.stdout;
  }
  return { secs: best, rssMB: rss / 1024, out };
}

const rows = [];
function bench(label, size, cmds) {
  const results = {};
  for (const [name, cmd, runs] of cmds) results[name] = time(cmd, runs);
  const jq = results.jq;
  for (const [name] of cmds) {
    const r = results[name];
    const mbs = size / 1e6 / r.secs;
    rows.push(`| ${label} | ${name} | ${r.secs.toFixed(2)} s | ${mbs.toFixed(0)} MB/s | ${jq ? (jq.secs / r.secs).toFixed(1) + '×' : ''} | ${r.rssMB.toFixed(0)} MB |`);
  }
  return results;
}

const q = (s) => `'${s}'`;
const sizes = quick ? { audio: 200, events: 50 } : { audio: 1000, events: 200 };
const reading = want('stats') || want('filter') || want('cat') || want('check');
const audio = reading || want('model') || want('report') || want('export') ? capture(`audio-${sizes.audio}mb.jsonl`, ['--mb', String(sizes.audio)]) : null;
const events = reading || want('export') ? capture(`events-${sizes.events}mb.jsonl`, ['--mb', String(sizes.events), '--no-audio']) : null;

for (const [label, c] of reading ? [[`audio-heavy ${sizes.audio} MB`, audio], [`event-heavy ${sizes.events} MB`, events]] : []) {
  if (want('stats')) {
    const r = bench(`${label}: count by type`, c.bytes, [
      ['grep -c (floor)', `grep -c '"type"' ${q(c.file)}`, 3],
      ['jq', `jq -n 'reduce inputs as $e ({}; .[$e.type] += 1)' ${q(c.file)} > /dev/null`, 1],
      ['rtev stats', `${rtev} stats ${q(c.file)} > /dev/null`, 3],
    ]);
    void r;
  }
  if (want('filter')) {
    const r = bench(`${label}: select response.done`, c.bytes, [
      ['grep (floor)', `grep '"response.done"' ${q(c.file)} | wc -l`, 3],
      ['jq', `jq -c 'select(.type=="response.done")' ${q(c.file)} | wc -l`, 1],
      ['rtev filter', `${rtev} filter --type response.done ${q(c.file)} | wc -l`, 3],
    ]);
    if (r.jq.out.trim() !== r['rtev filter'].out.trim()) throw new Error(`bench: jq selected ${r.jq.out.trim()} lines, rtev ${r['rtev filter'].out.trim()}`);
  }
  if (want('cat')) bench(`${label}: pretty-print`, c.bytes, [['rtev cat (to a pipe)', `${rtev} cat ${q(c.file)} | cat > /dev/null`, 2]]);
  // check keeps event ids in bounded memory (src/pipeline/seen-ids.ts): its peak RSS is part of the target.
  if (want('check') && c === events) bench(`${label}: protocol check`, c.bytes, [['rtev check', `${rtev} check ${q(c.file)} > /dev/null 2>&1`, 2]]);
}

if (want('many')) {
  // A fleet: 2,000 small recordings (two turns each), and 8 medium ones (a copy of the event-heavy capture's
  // first 25 MB each), read by the commands that take many SOURCEs.
  const small = join(data, 'fleet-2000');
  if (!existsSync(small)) {
    mkdirSync(small);
    const bases = Array.from({ length: 10 }, (_, i) => execFileSync(process.execPath, [join(root, 'bench', 'gen-capture.mjs'), '--client', '--no-audio', '--turns', '2', '--seed', String(i + 1)]).toString());
    for (let k = 0; k < 2000; k++) writeFileSync(join(small, `call-${String(k).padStart(5, '0')}.jsonl`), bases[k % 10].replace(/"sess_[A-Za-z0-9]+"/g, `"sess_fleet_${k}"`));
  }
  const medium = join(data, 'fleet-8');
  if (!existsSync(medium)) {
    mkdirSync(medium);
    const first = join(medium, 'call-0.jsonl');
    execFileSync(process.execPath, [join(root, 'bench', 'gen-capture.mjs'), '--mb', '25', '--no-audio', '--out', first]);
    const base = readFileSync(first, 'utf8');
    for (let k = 1; k < 8; k++) writeFileSync(join(medium, `call-${k}.jsonl`), base.replace(/"sess_[A-Za-z0-9]+"/g, `"sess_medium_${k}"`));
  }
  for (const [label, dir] of [['2,000 small recordings', small], ['8 medium recordings (25 MB)', medium]]) {
    const bytes = Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
    for (const cmd of ['stats', 'filter --count', 'check', 'turns', 'export']) {
      // --jobs 1 (the main thread) against the default (a worker per core), round-robin, best of three: on a
      // shared machine the load drifts, and both should see the same. check exits 1 when it finds errors.
      const to = cmd === 'export' ? ` -o ${q(join(data, 'many-out'))} --force` : '';
      const line = (jobs) => `${rtev} ${cmd}${jobs ? ` --jobs ${jobs}` : ''} ${q(dir)}${to} > /dev/null 2>&1${cmd === 'check' ? ' || [ $? -eq 1 ]' : ''}`;
      const best = { one: { secs: Infinity, rssMB: 0 }, all: { secs: Infinity, rssMB: 0 } };
      for (let i = 0; i < 3; i++) {
        for (const [k, jobs] of [['one', 1], ['all', 0]]) {
          const r = time(line(jobs), 1);
          best[k] = { secs: Math.min(best[k].secs, r.secs), rssMB: Math.max(best[k].rssMB, r.rssMB) };
        }
      }
      for (const [k, name] of [['one', `rtev ${cmd} --jobs 1`], ['all', `rtev ${cmd} (--jobs ${cpus().length})`]]) {
        const r = best[k];
        const ratio = k === 'all' ? `${(best.one.secs / r.secs).toFixed(2)}× --jobs 1` : '';
        rows.push(`| ${label}: ${cmd} | ${name} | ${r.secs.toFixed(2)} s | ${(bytes / 1e6 / r.secs).toFixed(0)} MB/s | ${ratio} | ${r.rssMB.toFixed(0)} MB |`);
      }
    }
  }
  rmSync(join(data, 'many-out'), { recursive: true, force: true });
}

if (want('model')) {
  // The turn model: stats, turns and session read it in one pass; within 1.5× of stats before the model.
  const label = `audio-heavy ${sizes.audio} MB: turn model`;
  const base = process.env.RTEV_BASELINE;
  const cmds = [
    ...(base ? [['rtev stats (before the model)', `${base} stats ${q(audio.file)} > /dev/null`]] : []),
    ['rtev stats', `${rtev} stats ${q(audio.file)} > /dev/null`],
    ['rtev turns', `${rtev} turns ${q(audio.file)} > /dev/null`],
    ['rtev turns --json', `${rtev} turns --json ${q(audio.file)} > /dev/null`],
    ['rtev session', `${rtev} session ${q(audio.file)} > /dev/null`],
  ];
  // Round-robin, best of five: on a shared machine the load drifts, and each command should see the same.
  const results = {};
  for (let round = 0; round < 5; round++) {
    for (const [name, cmd] of cmds) {
      const r = time(cmd, 1);
      const best = results[name];
      results[name] = best ? { secs: Math.min(best.secs, r.secs), rssMB: Math.max(best.rssMB, r.rssMB) } : r;
    }
  }
  const ref = results['rtev stats (before the model)'];
  for (const [name] of cmds) {
    const r = results[name];
    rows.push(`| ${label} | ${name} | ${r.secs.toFixed(2)} s | ${(audio.bytes / 1e6 / r.secs).toFixed(0)} MB/s | ${ref ? (r.secs / ref.secs).toFixed(2) + '× before' : ''} | ${r.rssMB.toFixed(0)} MB |`);
  }
}

if (want('export')) {
  // rtev export: within 3× of stats on the audio-heavy capture; at least 300,000 events/s on the event-heavy one;
  // peak memory ≤ 300 MB for both, and flat with the number of sources (20 and 2,000 small recordings).
  const out = join(data, 'export-out');
  const exportCmd = (src) => `${rtev} export ${src} -o ${q(out)} --force > /dev/null`;
  for (const [label, c] of [[`audio-heavy ${sizes.audio} MB`, audio], [`event-heavy ${sizes.events} MB`, events]]) {
    const n = JSON.parse(execFileSync(rtev, ['stats', '--json', c.file], { maxBuffer: 1 << 26 }).toString()).events;
    const cmds = [['rtev stats', `${rtev} stats ${q(c.file)} > /dev/null`], ['rtev export', exportCmd(q(c.file))]];
    // Round-robin, best of three: on a shared machine the load drifts, and both commands should see the same.
    const results = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, cmd] of cmds) {
        const r = time(cmd, 1);
        const best = results[name];
        results[name] = best ? { secs: Math.min(best.secs, r.secs), rssMB: Math.max(best.rssMB, r.rssMB) } : r;
      }
    }
    const s = results['rtev stats'];
    for (const [name] of cmds) {
      const r = results[name];
      const ratio = name === 'rtev export' ? ` (${(r.secs / s.secs).toFixed(2)}× stats)` : '';
      rows.push(`| ${label}: export | ${name} | ${r.secs.toFixed(2)} s${ratio} | ${Math.round(n / r.secs).toLocaleString('en-US')} events/s | | ${r.rssMB.toFixed(0)} MB |`);
    }
  }
  for (const count of [20, 2000]) {
    // Small recordings (two turns, no audio), as a fleet writes them: one file per call.
    const dir = join(data, `fleet-${count}`);
    if (!existsSync(dir)) {
      mkdirSync(dir);
      const bases = Array.from({ length: 10 }, (_, i) => execFileSync(process.execPath, [join(root, 'bench', 'gen-capture.mjs'), '--client', '--no-audio', '--turns', '2', '--seed', String(i + 1)]).toString());
      for (let k = 0; k < count; k++) writeFileSync(join(dir, `call-${String(k).padStart(5, '0')}.jsonl`), bases[k % 10].replace(/"sess_[A-Za-z0-9]+"/g, `"sess_fleet_${k}"`));
    }
    const r = time(exportCmd(q(dir)), 1);
    rows.push(`| ${count.toLocaleString('en-US')} small recordings: export | rtev export | ${r.secs.toFixed(2)} s | ${Math.round(count / r.secs).toLocaleString('en-US')} files/s | | ${r.rssMB.toFixed(0)} MB |`);
  }
  rmSync(out, { recursive: true, force: true });
}

if (want('report')) {
  const { reportBench } = await import('./report.mjs');
  rows.push(...await reportBench({ rtev, capture: audio.file, bytes: audio.bytes, data, time, label: `audio-heavy ${sizes.audio} MB: report` }));
}

if (want('stats') && !quick) {
  // Memory must not grow with the input: the same command on a tenth of the data.
  const small = capture('audio-100mb.jsonl', ['--mb', '100']);
  bench('audio-heavy 100 MB: count by type', small.bytes, [['rtev stats', `${rtev} stats ${q(small.file)} > /dev/null`, 3]]);
}

if (want('live')) {
  // Live: rtev replay --speed max serves a capture of ≥ 200,000 events over loopback; rtev record (and tail
  // printing to a pipe) takes it all. Nothing may be dropped: the recording's frame count must equal the capture's.
  const live = capture(`live-${quick ? 60 : 220}k.jsonl`, ['--mb', quick ? '15' : '55', '--no-audio']);
  const events = Number(execFileSync(rtev, ['filter', '--count', live.file]).toString().trim());
  const cmds = [
    ['rtev record', (url, out) => `${rtev} record ${url} -o ${out}`],
    ['rtev tail (to a pipe, recording)', (url, out) => `${rtev} tail ${url} --record ${out} | cat > /dev/null`],
  ];
  // Round-robin, best of three (a fresh server each time): on a shared machine the load drifts.
  const best = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, cmd] of cmds) {
      const out = join(data, 'live-recording.jsonl');
      rmSync(out, { force: true });
      const server = spawn(rtev, ['replay', live.file, '--speed', 'max', '--close'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const url = await new Promise((resolve) => { let err = ''; server.stderr.on('data', (c) => { err += c; const m = /ws:\/\/\S+/.exec(err); if (m) resolve(m[0]); }); });
      const r = time(cmd(url, out), 1);
      server.kill('SIGINT');
      const recorded = JSON.parse(execFileSync(rtev, ['stats', '--json', out]).toString()).events;
      if (recorded !== events) throw new Error(`bench: ${name} recorded ${recorded} of ${events} events`);
      best[name] = best[name] ? { secs: Math.min(best[name].secs, r.secs), rssMB: Math.max(best[name].rssMB, r.rssMB) } : r;
    }
  }
  for (const [name] of cmds) {
    const r = best[name];
    rows.push(`| live: ${events.toLocaleString('en-US')} events from replay --speed max | ${name} | ${r.secs.toFixed(2)} s | ${Math.round(events / r.secs).toLocaleString('en-US')} events/s | | ${r.rssMB.toFixed(0)} MB |`);
  }
}

if (want('proxy')) {
  const { proxyBench } = await import('./proxy.mjs');
  const live = capture(`live-${quick ? 60 : 220}k.jsonl`, ['--mb', quick ? '15' : '55', '--no-audio']);
  rows.push(...await proxyBench({ rtev, capture: live.file, data, quick }));
}

if (want('startup')) {
  const t = (cmd) => { let best = Infinity; for (let i = 0; i < 10; i++) { const s = process.hrtime.bigint(); spawnSync('sh', ['-c', cmd]); best = Math.min(best, Number(process.hrtime.bigint() - s) / 1e6); } return best; };
  const node0 = t(`${process.execPath} -e 0`);
  const ver = t(`${rtev} --version`);
  const help = t(`${rtev} --help`);
  rows.push(`| start-up (best of 10) | node -e 0 | ${node0.toFixed(0)} ms | | | |`);
  rows.push(`| start-up (best of 10) | rtev --version | ${ver.toFixed(0)} ms (${(ver / node0).toFixed(2)}× node) | | | |`);
  rows.push(`| start-up (best of 10) | rtev --help | ${help.toFixed(0)} ms (${(help / node0).toFixed(2)}× node) | | | |`);
}

const jqv = execFileSync('jq', ['--version']).toString().trim();
const header = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${jqv}; load average at start ${loadAtStart}. ${new Date().toISOString().slice(0, 10)}.`
    + (coresAtStart ? ` The same loop pinned to each core (awk, seconds): ${coresAtStart} at the start, ${coreSpeeds()} at the end.` : ''),
  '',
  '| capture: job | tool | time | throughput | vs jq | peak RSS |',
  '|---|---|---|---|---|---|',
];
const table = [...header, ...rows].join('\n') + '\n';
writeFileSync(join(data, 'results.md'), table);
process.stdout.write(table);
