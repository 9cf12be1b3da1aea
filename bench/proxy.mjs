// The proxy rows of bench/run.mjs (`--only proxy`): throughput with recording, added latency against a direct
// connection (side by side, in one run), and memory with 50 connections open. Everything on loopback.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';

/** Start a child and resolve with the first ws:// URL it prints on stderr. */
function started(child) {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (c) => { err += c; const m = /ws:\/\/[\d.:]+/.exec(err); if (m) resolve(m[0]); });
    child.on('exit', (code) => reject(new Error(`bench: exited ${code} before listening: ${err}`)));
  });
}

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const hwm = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const exited = (child) => new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));

function proxy(rtev, upstream, dir, extra = []) {
  const child = spawn(process.execPath, [rtev, 'proxy', upstream, '--port', '0', '--dir', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume(); // printing goes to a pipe that is read
  return { child, url: started(child) };
}

/** An echo server in a process of its own (ws, no compression). */
function echoServer() {
  const code = `
    const { WebSocketServer } = require(${JSON.stringify(createRequire(import.meta.url).resolve('ws'))});
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('listening', () => process.stderr.write('ws://127.0.0.1:' + wss.address().port + '\\n'));
    wss.on('connection', (ws) => ws.on('message', (d, b) => ws.send(d, { binary: b })));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { child, url: started(child) };
}

const open = (url) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.once('open', () => resolve(ws));
  ws.once('error', reject);
});

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const ms = (x) => `${x.toFixed(3)} ms`;

/**
 * Frames/s from `rtev replay --speed max` through the proxy (recording) to a client that counts them; with
 * `extra` null, straight from the replay to the client: the ceiling, on the same machine in the same run.
 */
async function throughput(o, label, extra) {
  const events = Number(execFileSync(o.rtev, ['filter', '--count', o.capture]).toString().trim());
  const dir = mkdtempSync(join(o.data, 'proxy-rec-'));
  const replay = spawn(process.execPath, [o.rtev, 'replay', o.capture, '--speed', 'max', '--close'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const upstream = await started(replay);
  if (extra === null) {
    const t0 = process.hrtime.bigint();
    let got = 0;
    await new Promise((resolve) => { const ws = new WebSocket(`${upstream}/v1/realtime`, { perMessageDeflate: false }); ws.on('message', () => { got++; }); ws.on('close', resolve); });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    replay.kill('SIGINT');
    await exited(replay);
    if (got !== events) throw new Error(`bench: the client got ${got} of ${events} events`);
    return `| proxy: ${events.toLocaleString('en-US')} events from replay --speed max, recorded | ${label} | ${secs.toFixed(2)} s | ${Math.round(events / secs).toLocaleString('en-US')} frames/s | | |`;
  }
  const p = proxy(o.rtev, upstream, dir, extra);
  const url = await p.url;
  const samples = [];
  const sampler = setInterval(() => samples.push(rss(p.child.pid)), 100);
  const t0 = process.hrtime.bigint();
  let got = 0;
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/v1/realtime`, { perMessageDeflate: false });
    ws.on('message', () => { got++; });
    ws.on('close', resolve);
    ws.on('error', reject);
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  const peak = hwm(p.child.pid);
  p.child.kill('SIGINT');
  replay.kill('SIGINT');
  await Promise.all([exited(p.child), exited(replay)]);
  const files = readdirSync(dir).map((f) => join(dir, f));
  const recorded = JSON.parse(execFileSync(o.rtev, ['stats', '--json', ...files]).toString()).events;
  rmSync(dir, { recursive: true, force: true });
  if (got !== events || recorded !== events) throw new Error(`bench: proxy passed ${got} and recorded ${recorded} of ${events} events`);
  const half = samples[Math.floor(samples.length / 2)] ?? NaN;
  const end = samples.at(-1) ?? NaN;
  return `| proxy: ${events.toLocaleString('en-US')} events from replay --speed max, recorded | ${label} | ${secs.toFixed(2)} s | ${Math.round(events / secs).toLocaleString('en-US')} frames/s | | ${peak.toFixed(0)} MB (RSS at half-time ${half.toFixed(0)}, at end ${end.toFixed(0)}) |`;
}

/** Round trips to an echo server, directly and through the proxy, alternating frame by frame. */
async function latency(o, upstream, url, frame, label) {
  const direct = await open(`${upstream}/v1/realtime`);
  const via = await open(`${url}/v1/realtime`);
  const trip = (ws) => new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    ws.once('message', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    ws.send(frame);
  });
  const n = o.quick ? 2000 : 10000;
  const d = [];
  const v = [];
  for (let i = 0; i < n + 200; i++) {
    const a = await trip(direct);
    const b = await trip(via);
    if (i >= 200) { d.push(a); v.push(b); } // the first 200 warm up
  }
  direct.close();
  via.close();
  return [
    `| proxy: echo round trip, ${n.toLocaleString('en-US')} × ${label} | direct | p50 ${ms(pct(d, 50))}, p99 ${ms(pct(d, 99))} | | | |`,
    `| proxy: echo round trip, ${n.toLocaleString('en-US')} × ${label} | through rtev proxy (recording) | p50 ${ms(pct(v, 50))}, p99 ${ms(pct(v, 99))} | added: p50 +${ms(pct(v, 50) - pct(d, 50))}, p99 +${ms(pct(v, 99) - pct(d, 99))} | | |`,
  ];
}

/** RSS of the proxy with 50 connections open, each having passed 200 audio appends of 100 ms both ways. */
async function fifty(o, pid, url) {
  const idle = rss(pid);
  const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.alloc(4800).toString('base64') });
  const conns = await Promise.all(Array.from({ length: 50 }, () => open(`${url}/v1/realtime`)));
  await Promise.all(conns.map((ws) => new Promise((resolve) => {
    let back = 0;
    ws.on('message', () => { if (++back === 200) resolve(); });
    for (let i = 0; i < 200; i++) ws.send(append);
  })));
  await new Promise((r) => setTimeout(r, 500));
  const held = rss(pid);
  for (const ws of conns) ws.close();
  return `| proxy: 50 connections open, 200 × 6.4 KB audio appends each way per connection | rtev proxy (recording) | | | | ${held.toFixed(0)} MB with 50 open (${idle.toFixed(0)} MB idle, peak ${hwm(pid).toFixed(0)} MB) |`;
}

export async function proxyBench(o) {
  const rows = [];
  rows.push(await throughput(o, 'no proxy: replay straight to the client (the ceiling)', null));
  rows.push(await throughput(o, 'rtev proxy --quiet', ['--quiet']));
  rows.push(await throughput(o, 'rtev proxy (printing to a pipe)', []));
  const echo = echoServer();
  const upstream = await echo.url;
  const dir = mkdtempSync(join(o.data, 'proxy-rec-'));
  const p = proxy(o.rtev, upstream, dir, ['--quiet']);
  const url = await p.url;
  const small = JSON.stringify({ type: 'conversation.item.create', event_id: 'event_1', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris tomorrow?' }] } });
  rows.push(...await latency(o, upstream, url, small, `${small.length} B event`));
  const audio = JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.alloc(4800).toString('base64') });
  rows.push(...await latency(o, upstream, url, audio, `${(audio.length / 1000).toFixed(1)} KB audio append (100 ms)`));
  p.child.kill('SIGINT');
  await exited(p.child);
  // Memory: a fresh proxy, idle, then with 50 connections open.
  const p50 = proxy(o.rtev, upstream, dir, ['--quiet']);
  const url50 = await p50.url;
  await new Promise((r) => setTimeout(r, 300));
  rows.push(await fifty(o, p50.child.pid, url50));
  p50.child.kill('SIGINT');
  echo.child.kill();
  await Promise.all([exited(p50.child), exited(echo.child)]);
  rmSync(dir, { recursive: true, force: true });
  return rows;
}
