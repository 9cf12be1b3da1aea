// rtev audio: files never overwritten, bounded gaps and sizes, one file open at a time, --heard from the turn
// model, --stereo equal to the report's track, GPT-Live and Translation, and the usage clashes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearToUlaw, ulawToLinear } from '../src/audio/wav.js';
import { BIN, fixture, ROOT, rtev, tmp, type Result } from './helpers.js';

const SAMPLE = join(ROOT, 'recordings', 'sample.jsonl');
const DIAGNOSIS = fixture('diagnosis.jsonl');
const gen = (...args: string[]) => execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), ...args], { maxBuffer: 1 << 28 }).toString();

/** A WAV file's header checked, and its format and samples. */
function wav(p: string) {
  const b = readFileSync(p);
  expect(b.toString('latin1', 0, 4)).toBe('RIFF');
  expect(b.readUInt32LE(4)).toBe(b.length - 8);
  expect(b.toString('latin1', 8, 16)).toBe('WAVEfmt ');
  expect(b.readUInt16LE(20)).toBe(1);
  expect(b.readUInt16LE(34)).toBe(16);
  expect(b.readUInt32LE(40)).toBe(b.length - 44);
  const channels = b.readUInt16LE(22);
  const data = b.subarray(44);
  return { rate: b.readUInt32LE(24), channels, frames: data.length / 2 / channels, data, sample: (i: number, ch = 0) => data.readInt16LE((i * channels + ch) * 2) };
}

/** 16-bit PCM of these values, base64. */
const pcm = (...v: number[]) => {
  const b = Buffer.alloc(v.length * 2);
  v.forEach((x, i) => b.writeInt16LE(x, i * 2));
  return b.toString('base64');
};

const line = (ts: string | null, dir: string, event: object) => JSON.stringify(ts === null ? { dir, event } : { ts, dir, event });
const delta = (rid: string, b64: string, item = `item_${rid}`) => ({ type: 'response.output_audio.delta', event_id: `e_${Math.random()}`, response_id: rid, item_id: item, output_index: 0, content_index: 0, delta: b64 });

/** The real CLI under a shell prefix (`ulimit -n 256`). */
function shell(prefix: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const child = spawn('bash', ['--noprofile', '--norc', '-c', `${prefix} && exec ${q(process.execPath)} ${[BIN, ...args].map(q).join(' ')}`], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** The session track a report page embeds (base64 WAV). */
async function reportTrack(src: string): Promise<Buffer> {
  const html = (await rtev(['report', src, '-o', '-'])).stdout;
  const open = '<script type="text/plain" id="rtev-audio">';
  const i = html.indexOf(open);
  expect(i).toBeGreaterThan(0);
  return Buffer.from(html.slice(i + open.length, html.indexOf('</script>', i)), 'base64');
}

describe('rtev audio: files', () => {
  it('never overwrites an existing WAV without --force, and never writes to what is not a regular file', async () => {
    const out = tmp();
    expect((await rtev(['audio', SAMPLE, '-o', out])).code).toBe(0);
    const first = readdirSync(out).sort()[0]!;
    writeFileSync(join(out, first), 'mine');
    const again = await rtev(['audio', SAMPLE, '-o', out]);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: `rtev: ${join(out, first)} exists; choose another folder with -o or add --force to overwrite it\n` });
    expect(readFileSync(join(out, first), 'utf8')).toBe('mine');
    const forced = await rtev(['audio', SAMPLE, '-o', out, '--force']);
    expect(forced.code).toBe(0);
    expect(wav(join(out, first)).frames).toBeGreaterThan(24000);
    // A folder where a WAV would go: refused, also with --force.
    const other = tmp();
    mkdirSync(join(other, 'session.wav'));
    const dir = await rtev(['audio', SAMPLE, '-o', other, '--join', '--force']);
    expect(dir).toMatchObject({ code: 1, stderr: `rtev: ${join(other, 'session.wav')} is a folder: rtev writes audio only to regular files\n` });
  });

  it('joins PCM deltas that split a sample (odd lengths) back into whole samples, as one byte stream', async () => {
    // 4,800 distinct samples, sent as deltas of 4,801, 3 and 4,796 bytes: every sample after the first cut would
    // be made of the wrong byte pair if each delta were taken alone.
    const samples = Array.from({ length: 4800 }, (_, i) => (i * 7) % 30000 - 15000);
    const bytes = Buffer.from(pcm(...samples), 'base64');
    const cuts = [0, 4801, 4804, bytes.length];
    const src = join(tmp(), 'odd.jsonl');
    writeFileSync(src, cuts.slice(1).map((end, k) => line(`2026-11-25T12:00:00.${String(100 + k).padStart(3, '0')}Z`, 'server', delta('resp_1', bytes.subarray(cuts[k], end).toString('base64')))).join('\n') + '\n');
    for (const extra of [[], ['--join']]) {
      const out = tmp();
      const r = await rtev(['audio', src, '-o', out, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const w = wav(join(out, readdirSync(out)[0]!));
      expect(w.data.equals(bytes), extra.join(' ')).toBe(true);
    }
  });

  it('a capture without audio leaves no folder behind and says so in one line, exit 1', async () => {
    const parent = tmp();
    const out = join(parent, 'new', 'deeper');
    const r = await rtev(['audio', fixture('real-beta-webrtc-session.jsonl'), '-o', out]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'rtev: no audio in this capture (audio over WebRTC is not in the event stream)\n' });
    expect(readdirSync(parent)).toEqual([]);
    // A folder that was there stays.
    const kept = tmp();
    expect((await rtev(['audio', fixture('real-beta-webrtc-session.jsonl'), '-o', kept])).code).toBe(1);
    expect(existsSync(kept)).toBe(true);
    const input = await rtev(['audio', '-', '-o', join(parent, 'x'), '--input'], { stdin: readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => !l.includes('"dir":"client"')).join('\n') });
    expect(input.code).toBe(1);
    expect(input.stderr).toMatch(/^rtev: no user audio in this capture \(it travels in client frames/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('escapes control characters of paths it shows', async () => {
    const out = join(tmp(), 'a\x1b[31mred');
    const r = await rtev(['audio', SAMPLE, '-o', out, '--join']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).toContain('a\\x1b[31mred/session.wav');
  });
});

describe('rtev audio: resource traps (#12)', () => {
  it('--join cuts a 100-year silence to 10 s, and names where', async () => {
    const src = join(tmp(), 'gap.jsonl');
    writeFileSync(src, [
      line('2026-11-25T12:00:00.000Z', 'server', delta('r1', pcm(1, 2, 3, 4))),
      line('2126-11-25T12:00:00.000Z', 'server', delta('r2', pcm(5, 6))),
    ].join('\n') + '\n');
    expect(statSync(src).size).toBeLessThan(600);
    const out = tmp();
    const r = await rtev(['audio', src, '-o', out, '--join']);
    expect(r.code, r.stderr).toBe(0);
    const w = wav(join(out, 'session.wav'));
    expect(w.frames).toBe(4 + 240000 + 2);
    expect([w.sample(0), w.sample(3), w.sample(4), w.sample(240003), w.sample(240004), w.sample(240005)]).toEqual([1, 4, 0, 0, 5, 6]);
    expect(r.stderr).toBe(`rtev: note: ${join(out, 'session.wav')}: a silence of 36,524 days before ${src}:2 cut to 10 s (at 0.00 s in the file)\n`);
  });

  it('refuses to grow a file past --max-mb, names it and what was left out, exit 1', async () => {
    const out = tmp();
    const r = await rtev(['audio', SAMPLE, '-o', out, '--join', '--max-mb', '0.5']);
    expect(r.code).toBe(1);
    const w = wav(join(out, 'session.wav'));
    expect(w.data.length + 44).toBeLessThanOrEqual(500_000);
    expect(w.data.length + 44).toBeGreaterThan(499_990);
    expect(r.stderr).toMatch(new RegExp(`^rtev: ${join(out, 'session.wav')}: 49\\.\\d s of audio from 10\\.4 s on left out: the file would pass 0.5 MB \\(--max-mb\\)\\n$`));
    expect(r.stdout).toContain('session.wav     10.4 s  24 kHz');
    // The stereo track of a 100-year gap: what lies past the bound is refused, not written.
    const src = join(tmp(), 'gap.jsonl');
    writeFileSync(src, [line('2026-11-25T12:00:00.000Z', 'server', delta('r1', pcm(1, 2))), line('2126-11-25T12:00:00.000Z', 'server', delta('r2', pcm(3, 4)))].join('\n'));
    const s = await rtev(['audio', src, '-o', tmp(), '--stereo']);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/conversation\.wav: under 1 ms of audio from 36,524 days on left out: the file would pass 1,000 MB \(--max-mb\)\n$/);
    expect(s.stdout).toMatch(/conversation\.wav +0\.00 s  24 kHz\n1 file/);
  });

  it('a write that fails (ulimit -f) is one line naming the folder and the reason, exit 1, the file still valid', async () => {
    const out = tmp();
    const r = await shell('ulimit -f 100', ['audio', SAMPLE, '-o', out, '--join']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `rtev: cannot write to ${out}: file too large (over the file-size limit, ulimit -f) (EFBIG)\n` });
    expect(wav(join(out, 'session.wav')).frames).toBeGreaterThan(40000);
  });

  it('writes 1,200 interleaved responses under ulimit -n 256 (files open one at a time)', async () => {
    const n = 1200;
    const lines: string[] = [];
    for (const half of [0, 1]) for (let i = 0; i < n; i++) lines.push(line(null, 'server', delta(`r${i}`, pcm(i, 0 - i || 0, half ? 7 : 3))));
    const src = join(tmp(), 'many.jsonl');
    writeFileSync(src, lines.join('\n'));
    const out = tmp();
    const r = await shell('ulimit -n 256', ['audio', src, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith(`${n} files, 0.30 s of audio\n`)).toBe(true);
    const files = readdirSync(out);
    expect(files).toHaveLength(n);
    for (let i = 0; i < n; i += 97) {
      const w = wav(join(out, `${i + 1}_r${i}.wav`));
      expect(Array.from({ length: w.frames }, (_, k) => w.sample(k))).toEqual([i, 0 - i || 0, 3, i, 0 - i || 0, 7]);
    }
  }, 60_000);
});

describe('rtev audio --heard', () => {
  it('cuts each response where the turn model says the user stopped hearing it, and nothing else', async () => {
    for (const src of [SAMPLE, DIAGNOSIS]) {
      const turns = (await rtev(['turns', '--json', src])).stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((t) => t.turn);
      const cut = turns.filter((t) => t.audio_ms.heard !== null && t.audio_ms.heard < t.audio_ms.generated);
      expect(cut.length, src).toBe(1);
      const whole = tmp();
      const heard = tmp();
      expect((await rtev(['audio', src, '-o', whole])).code).toBe(0);
      const r = await rtev(['audio', src, '-o', heard, '--heard']);
      expect(r.code).toBe(0);
      const names = readdirSync(whole).sort();
      expect(readdirSync(heard).sort()).toEqual(names);
      for (const name of names) {
        const a = wav(join(whole, name));
        const b = wav(join(heard, name));
        if (name.endsWith(`_${cut[0].response_ids[0]}.wav`)) {
          expect(b.frames).toBe(Math.round((cut[0].audio_ms.heard / 1000) * a.rate));
          expect(b.data.equals(a.data.subarray(0, b.data.length))).toBe(true);
        } else {
          expect(b.data.equals(a.data), name).toBe(true);
        }
      }
      // Joined: the unheard rest is silence, the time line unchanged (the fixture's cut answer is silent).
      if (src === DIAGNOSIS) continue;
      const j1 = tmp();
      const j2 = tmp();
      await rtev(['audio', src, '-o', j1, '--join']);
      await rtev(['audio', src, '-o', j2, '--join', '--heard']);
      const a = wav(join(j1, 'session.wav'));
      const b = wav(join(j2, 'session.wav'));
      expect(b.frames).toBe(a.frames);
      let differ = 0;
      for (let i = 0; i < a.frames; i++) if (a.sample(i) !== b.sample(i)) { expect(b.sample(i)).toBe(0); differ++; }
      const cutMs = cut[0].audio_ms.generated - cut[0].audio_ms.heard;
      expect(differ).toBeGreaterThan(((cutMs - 50) / 1000) * a.rate * 0.5);
      expect(differ).toBeLessThanOrEqual(Math.round((cutMs / 1000) * a.rate) + 1);
    }
  });
});

describe('rtev audio --stereo', () => {
  it("writes the report's session track, sample for sample", async () => {
    for (const src of [SAMPLE, DIAGNOSIS]) {
      const out = tmp();
      const r = await rtev(['audio', src, '-o', out, '--stereo']);
      expect(r.code, r.stderr).toBe(0);
      const mine = readFileSync(join(out, 'conversation.wav'));
      const track = await reportTrack(src);
      expect(mine.length, src).toBe(track.length);
      expect(mine.equals(track), src).toBe(true);
      expect(wav(join(out, 'conversation.wav')).channels).toBe(2);
    }
  });

  it('puts the user left and the assistant right, each at its time, an interrupted answer cut', async () => {
    const ms = (t: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + t).toISOString();
    const tone = (v: number, n: number) => pcm(...Array<number>(n).fill(v));
    const src = join(tmp(), 'talk.jsonl');
    // 24 kHz: the user's 100 ms chunk arrives at 1.1 s (spoken from 1.0 s); the answer's 400 ms arrive at 2 s,
    // and the client cuts it at 150 ms.
    writeFileSync(src, [
      line(ms(0), 'server', { type: 'session.created', event_id: 'e0', session: { type: 'realtime' } }),
      line(ms(1100), 'client', { type: 'input_audio_buffer.append', audio: tone(100, 2400) }),
      line(ms(2000), 'server', delta('r1', tone(200, 4800), 'i1')),
      line(ms(2010), 'server', delta('r1', tone(300, 4800), 'i1')),
      line(ms(2100), 'client', { type: 'conversation.item.truncate', item_id: 'i1', content_index: 0, audio_end_ms: 150 }),
    ].join('\n'));
    const out = tmp();
    expect((await rtev(['audio', src, '-o', out, '--stereo'])).code).toBe(0);
    const w = wav(join(out, 'conversation.wav'));
    expect(w.channels).toBe(2);
    expect([w.sample(23999, 0), w.sample(24000, 0), w.sample(26399, 0), w.sample(26400, 0)]).toEqual([0, 100, 100, 0]);
    expect([w.sample(47999, 1), w.sample(48000, 1), w.sample(48000 + 3599, 1), w.sample(48000 + 3600, 1)]).toEqual([0, 200, 200, 0]);
    expect(w.sample(48000, 0)).toBe(0);
    expect(w.frames).toBe(48000 + 9600);
  });
});

describe('rtev audio: usage', () => {
  it('options that do nothing together are usage errors that say why', async () => {
    for (const [args, why] of [
      [['--stereo', '--join'], '--stereo writes one file on the time line already: leave out --join'],
      [['--stereo', '--input'], "--stereo holds the user's audio already (the left channel): leave out --input"],
      [['--stereo', '--heard'], '--stereo cuts interrupted answers already: leave out --heard'],
      [['--input', '--heard'], "--heard cuts the assistant's answers where the user stopped hearing them; the user's own audio (--input) has nothing to cut"],
    ] as const) {
      const out = join(tmp(), 'o');
      const r = await rtev(['audio', SAMPLE, '-o', out, ...args]);
      expect(r, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `rtev: ${why} (rtev --help for usage)\n` });
      expect(existsSync(out)).toBe(false);
    }
    expect((await rtev(['audio', SAMPLE, '-o', tmp(), '--max-mb', '5000'])).stderr).toBe("rtev: option '--max-mb <n>' argument '5000' is invalid. a WAV file holds at most 4294 MB (rtev --help for usage)\n");
    expect((await rtev(['audio', SAMPLE, '-o', tmp(), '--max-mb', '0'])).code).toBe(2);
  });

  it('--join --input puts the user audio on the time line', async () => {
    const ms = (t: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + t).toISOString();
    const src = join(tmp(), 'in.jsonl');
    // Two 100 ms chunks 3 s apart, and 10 ms of jitter that is absorbed.
    writeFileSync(src, [
      line(ms(0), 'server', { type: 'session.created', event_id: 'e0', session: { type: 'realtime' } }),
      line(ms(1100), 'client', { type: 'input_audio_buffer.append', audio: pcm(...Array<number>(2400).fill(1)) }),
      line(ms(1210), 'client', { type: 'input_audio_buffer.append', audio: pcm(...Array<number>(2400).fill(2)) }),
      line(ms(4300), 'client', { type: 'input_audio_buffer.append', audio: pcm(...Array<number>(2400).fill(3)) }),
    ].join('\n'));
    const out = tmp();
    const r = await rtev(['audio', src, '-o', out, '--input', '--join']);
    expect(r.code, r.stderr).toBe(0);
    const w = wav(join(out, 'input.wav'));
    expect(w.frames).toBe(4.3 * 24000);
    expect([w.sample(23999), w.sample(24000), w.sample(26400), w.sample(28799), w.sample(28800), w.sample(4.2 * 24000 - 1), w.sample(4.2 * 24000)]).toEqual([0, 1, 2, 2, 0, 0, 3]);
    const plain = await rtev(['audio', src, '-o', tmp(), '--input']);
    expect(plain.stdout).toContain('input.wav     0.30 s  24 kHz');
  });
});

describe('rtev audio: GPT-Live and Realtime Translation (#16)', () => {
  const events = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

  it('GPT-Live: one file per answer in the format session.started names, --join, --stereo, and --input', async () => {
    const text = gen('--protocol', 'live', '--client', '--turns', '5', '--seed', '7');
    const src = join(tmp(), 'live.jsonl');
    writeFileSync(src, text);
    const out = tmp();
    const r = await rtev(['audio', src, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    // The answers: output audio after the user's transcript.
    const answers: number[] = [];
    let spoke = true;
    for (const { event: e } of events(text)) {
      if (e.type === 'session.input_transcript.delta') spoke = true;
      if (e.type !== 'session.output_audio.delta') continue;
      if (spoke) answers.push(0);
      spoke = false;
      answers[answers.length - 1]! += Buffer.from(e.delta, 'base64').length;
    }
    expect(answers).toHaveLength(5);
    expect(readdirSync(out).sort()).toEqual(answers.map((_, i) => `${i + 1}_answer.wav`).sort());
    answers.forEach((bytes, i) => expect(wav(join(out, `${i + 1}_answer.wav`))).toMatchObject({ rate: 24000, frames: bytes / 2 }));
    const input = await rtev(['audio', src, '-o', out, '--input']);
    const appended = events(text).filter((l) => l.dir === 'client' && l.event.type === 'session.input_audio.append').reduce((n, l) => n + Buffer.from(l.event.audio, 'base64').length, 0);
    expect(input.code).toBe(0);
    expect(wav(join(out, 'input.wav')).frames).toBe(appended / 2);
    for (const mode of ['--join', '--stereo']) {
      const m = await rtev(['audio', src, '-o', tmp(), mode]);
      expect(m.code, mode).toBe(0);
      expect(Number(/ ([\d.]+) s of audio/.exec(m.stdout)![1])).toBeGreaterThan(answers.reduce((a, b) => a + b) / 48000);
    }
    // Another format, named by session.started: 16 kHz.
    const at16 = text.replace('"format":{"type":"audio/pcm","rate":24000}', '"format":{"type":"audio/pcm","rate":16000}');
    const o16 = tmp();
    await rtev(['audio', '-', '-o', o16], { stdin: at16 });
    expect(wav(join(o16, '1_answer.wav'))).toMatchObject({ rate: 16000, frames: answers[0]! / 2 });
  });

  it("GPT-Live sideband: the input the server reflects is the user's audio", async () => {
    // What an observer sees: the caller's audio reflected as server session.input_audio.append, no client frames.
    const side = events(gen('--protocol', 'live', '--client', '--turns', '3', '--seed', '2'))
      .filter((l) => l.dir === 'server' || l.event.type === 'session.input_audio.append')
      .map((l) => JSON.stringify({ ...l, dir: 'server' }));
    const src = join(tmp(), 'sideband.jsonl');
    writeFileSync(src, side.join('\n'));
    const appended = side.map((l) => JSON.parse(l).event).filter((e) => e.type === 'session.input_audio.append').reduce((n, e) => n + Buffer.from(e.audio, 'base64').length, 0);
    expect(appended).toBeGreaterThan(0);
    const out = tmp();
    const r = await rtev(['audio', src, '-o', out, '--input']);
    expect(r.code, r.stderr).toBe(0);
    expect(wav(join(out, 'input.wav')).frames).toBe(appended / 2);
    const s = await rtev(['audio', src, '-o', out, '--stereo']);
    expect(s.code).toBe(0);
    const w = wav(join(out, 'conversation.wav'));
    let left = 0;
    for (let i = 0; i < w.frames; i += 10) if (w.sample(i, 0) !== 0) left++;
    expect(left).toBeGreaterThan(appended / 2 / 10 / 2);
  });

  it("Translation: each delta's sample_rate, channels and format; --input from the client's appends", async () => {
    const text = gen('--protocol', 'translation', '--client', '--turns', '3', '--seed', '4');
    const src = join(tmp(), 'tr.jsonl');
    writeFileSync(src, text);
    const out = tmp();
    const r = await rtev(['audio', src, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const outBytes = events(text).filter((l) => l.event.type === 'session.output_audio.delta').reduce((n, l) => n + Buffer.from(l.event.delta, 'base64').length, 0);
    expect(r.stdout).toMatch(/translation\.wav +[\d.]+ s  24 kHz\n1 file/);
    expect(wav(join(out, 'translation.wav')).frames).toBe(outBytes / 2);
    const inBytes = events(text).filter((l) => l.event.type === 'session.input_audio_buffer.append').reduce((n, l) => n + Buffer.from(l.event.audio, 'base64').length, 0);
    await rtev(['audio', src, '-o', out, '--input']);
    expect(wav(join(out, 'input.wav')).frames).toBe(inBytes / 2);
    // A delta at 8 kHz µ-law in two channels: decoded, downmixed, resampled to the file's rate (the first delta's).
    const coded = Buffer.from([linearToUlaw(1000), linearToUlaw(3000), linearToUlaw(-2000), linearToUlaw(-2000)]);
    const custom = [
      line(null, 'server', { type: 'session.created', event_id: 'e0', session: { type: 'translation' } }),
      line(null, 'server', { type: 'session.output_audio.delta', event_id: 'e1', delta: coded.toString('base64'), sample_rate: 8000, channels: 2, format: 'g711_ulaw' }),
      line(null, 'server', { type: 'session.output_audio.delta', event_id: 'e2', delta: pcm(9, 9), sample_rate: 8000, channels: 1, format: 'pcm16' }),
      line(null, 'server', { type: 'session.output_audio.delta', event_id: 'e3', delta: 'AAAA', format: 'opus' }),
    ].join('\n');
    const o2 = tmp();
    const c = await rtev(['audio', '-', '-o', o2], { stdin: custom });
    expect(c.stderr).toBe('rtev: audio in an unknown format (opus) left out\n');
    const w = wav(join(o2, 'translation.wav'));
    expect(w.rate).toBe(8000);
    const avg = (a: number, b: number) => (ulawToLinear(linearToUlaw(a)) + ulawToLinear(linearToUlaw(b))) >> 1;
    expect(Array.from({ length: w.frames }, (_, i) => w.sample(i))).toEqual([avg(1000, 3000), avg(-2000, -2000), 9, 9]);
  });

  it('--heard on GPT-Live writes answers whole, and says so', async () => {
    const src = join(tmp(), 'live.jsonl');
    writeFileSync(src, gen('--protocol', 'live', '--client', '--turns', '2'));
    const r = await rtev(['audio', src, '-o', tmp(), '--heard']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('rtev: note: --heard: GPT-Live and Translation audio is never truncated; it is written whole\n');
  });
});
