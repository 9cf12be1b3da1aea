// rtev report without a browser: the file rules, the page's structure and policy, the data it embeds (the same
// numbers as stats and turns), the budgets, and captures without audio or timestamps. The browser tests are in
// report-browser.test.ts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearToAlaw, linearToUlaw } from '../src/audio/wav.js';
import { defaultReportPath } from '../src/commands/report.js';
import type { ReportData } from '../src/report/data.js';
import { scriptJson } from '../src/report/page.js';
import { ms } from '../src/format/summary.js';
import { fixture, ROOT, rtev, rtevProcess, tmp } from './helpers.js';
import { hostileCapture, PAYLOADS } from './report-hostile.js';

const sample = join(ROOT, 'recordings', 'sample.jsonl');

/** The page's parts: its data, its events' JSON, its audio (base64) and its script. */
export function pageParts(html: string) {
  const between = (open: string) => {
    const i = html.indexOf(open);
    if (i < 0) throw new Error(`no ${open}`);
    return html.slice(i + open.length, html.indexOf('</script>', i));
  };
  return {
    data: JSON.parse(between('<script type="application/json" id="rtev-data">')) as ReportData,
    events: JSON.parse(between('<script type="application/json" id="rtev-events">')) as string[],
    audio: between('<script type="text/plain" id="rtev-audio">'),
    script: between('<script>'),
  };
}

async function report(args: string[]): Promise<{ html: string; stderr: string; code: number }> {
  const r = await rtev(['report', ...args, '-o', '-']);
  return { html: r.stdout, stderr: r.stderr, code: r.code };
}

describe('rtev report: files', () => {
  it('names the page after the first source, and never overwrites it without --force', async () => {
    const dir = tmp();
    const src = join(dir, 'call.jsonl');
    writeFileSync(src, readFileSync(fixture('diagnosis.jsonl')));
    const first = await rtevProcess(['report', src]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^rtev: wrote .*call\.html \([\d.]+ [KM]B: 6 turns, 81 events, [\d.]+ s of audio\)\n$/);
    expect(existsSync(join(dir, 'call.html'))).toBe(true);
    const again = await rtevProcess(['report', src]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`rtev: ${join(dir, 'call.html')} exists; choose another file with -o or add --force to overwrite it\n`);
    expect((await rtevProcess(['report', src, '--force'])).code).toBe(0);
  });

  it('takes .html in place of the extension, .jsonl.gz as one', () => {
    expect(defaultReportPath('recordings/sample.jsonl')).toBe('recordings/sample.html');
    expect(defaultReportPath('/x/call.jsonl.gz')).toBe('/x/call.html');
    expect(defaultReportPath('capture')).toBe('capture.html');
  });

  it('needs -o when reading standard input', async () => {
    const r = await rtev(['report'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtev: report: reading standard input, so give the page a name: -o FILE/);
  });

  it('rejects a --max-audio-mb that is not a number', async () => {
    const r = await rtev(['report', sample, '--max-audio-mb', 'lots', '-o', '-']);
    expect(r.code).toBe(2);
  });
});

describe('rtev report: the page', () => {
  it('is complete in itself: no URL to anywhere, a policy that forbids the network, and the hashes of its own script and style', async () => {
    const { html, code } = await report([sample]);
    expect(code).toBe(0);
    // The one URL is the SVG namespace, a name that is never fetched.
    expect([...new Set(html.match(/https?:\/\/[^\s"'`<>]*/gi))]).toEqual(['http://www.w3.org/2000/svg']);
    expect(/\b(src|href)=/i.test(html)).toBe(false);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('media-src data: blob:');
    expect(csp).not.toContain('connect-src');
    expect(csp).not.toContain('unsafe-inline');
    const { script } = pageParts(html);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = (s: string) => createHash('sha256').update(s).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
  });

  it('embeds the turns exactly as turns --json writes them, and the header figures of stats --json', async () => {
    const { data } = pageParts((await report([sample])).html);
    const turns = (await rtev(['turns', '--json', sample])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(data.turns.map((t) => t.turn)).toEqual(turns);
    const stats = JSON.parse((await rtev(['stats', '--json', sample])).stdout);
    const fig = Object.fromEntries(data.figures.map((f) => [f.stat, f.value]));
    expect(fig).toEqual({
      turns: stats.turns.total, first_audio_p50: stats.latency_ms.first_audio.p50, first_audio_p90: stats.latency_ms.first_audio.p90,
      interrupted: stats.turns.interrupted, failed: stats.turns.failed, total_tokens: stats.usage.total_tokens, cost_usd: stats.cost_usd.total,
    });
    expect(data.events).toBe(stats.events);
  });

  it("holds the call as a stereo WAV at its real times, each turn's heard audio, and the transcript cut where it was heard", async () => {
    const { data, audio } = pageParts((await report([sample])).html);
    const wav = Buffer.from(audio, 'base64');
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(2);
    expect(wav.readUInt32LE(24)).toBe(24000);
    expect(data.audio!.seconds).toBeCloseTo((wav.length - 44) / 4 / 24000, 6);
    for (const t of data.turns) {
      const frames = data.audio!.turns[t.key]!.reduce((s, p) => s + p[1], 0);
      expect(Math.abs((frames / 24000) * 1000 - t.turn.audio_ms.heard!)).toBeLessThan(1);
    }
    // Turn 3 was interrupted: 2.33 s of 3.40 s heard; its audio is silent after the cut.
    const t3 = data.turns[2]!;
    const r = t3.responses[0]!.audio!;
    expect([r.generated, r.heard]).toEqual([3400, 2329]);
    const frameAt = (ms: number) => Math.round((ms / 1000) * 24000);
    const right = (i: number) => wav.readInt16LE(44 + i * 4 + 2);
    let loudBefore = 0, loudAfter = 0;
    for (let i = frameAt(r.start); i < frameAt(r.start + r.heard) - 10; i++) if (right(i) !== 0) loudBefore++;
    for (let i = frameAt(r.start + r.heard) + 1; i < frameAt(r.start + r.generated); i++) if (right(i) !== 0) loudAfter++;
    expect(loudBefore).toBeGreaterThan(1000);
    expect(loudAfter).toBe(0);
    expect(t3.transcript.replies[0]!.rest).toBe('cloudy, with showers');
    expect(t3.flags).toEqual(['slow(model)', 'interrupted']);
  });

  it('collapses runs of audio and of text deltas in the log, and never shows base64 audio in the JSON', async () => {
    const { data, events } = pageParts((await report([sample])).html);
    const L = data.log;
    const types = L.type.map((i) => L.types[i]);
    const audioRows = L.n.filter((_, i) => types[i] === 'response.output_audio.delta');
    expect(audioRows.reduce((a, b) => a + b, 0)).toBe(JSON.parse((await rtev(['stats', '--json', sample])).stdout).types['response.output_audio.delta']);
    expect(Math.max(...audioRows)).toBeGreaterThan(10);
    expect(L.n.reduce((a, b) => a + b, 0)).toBe(L.events);
    const first = L.seq.indexOf(L.seq.find((_, i) => types[i] === 'response.output_audio.delta')!);
    expect(JSON.parse(events[L.json[first]!]!).delta).toMatch(/^<4800 bytes, 0\.10 s of audio>$/);
    expect(events.join('')).not.toMatch(/[A-Za-z0-9+/]{200}/);
  });

  it('decodes G.711 µ-law and A-law at 8 kHz', async () => {
    for (const [type, code] of [['audio/pcmu', linearToUlaw], ['audio/pcma', linearToAlaw]] as const) {
      const dir = tmp();
      const src = join(dir, 'g711.jsonl');
      const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString();
      const ev = (ms: number, event: object) => JSON.stringify({ ts: at(ms), dir: 'server', event });
      writeFileSync(src, [
        ev(0, { type: 'session.created', session: { model: 'gpt-realtime', audio: { output: { format: { type } } } } }),
        ev(100, { type: 'response.created', response: { id: 'r1', status: 'in_progress', conversation_id: 'c' } }),
        ev(200, { type: 'response.output_audio.delta', response_id: 'r1', item_id: 'i1', delta: Buffer.alloc(800, code(10000)).toString('base64') }),
        ev(300, { type: 'response.done', response: { id: 'r1', status: 'completed', conversation_id: 'c' } }),
      ].join('\n') + '\n');
      const { data, audio } = pageParts((await report([src])).html);
      expect(data.audio!.rate).toBe(8000);
      expect(data.turns[0]!.responses[0]!.audio).toEqual({ start: 200, generated: 100, heard: 100 });
      const wav = Buffer.from(audio, 'base64');
      const right = wav.readInt16LE(44 + Math.round(0.25 * 8000) * 4 + 2);
      expect(Math.abs(right - 10000)).toBeLessThan(400);
    }
  });

  it('leaves audio out with --no-audio, and bounds it with --max-audio-mb, saying what is not in the page', async () => {
    const none = pageParts((await report([sample, '--no-audio'])).html);
    expect(none.audio).toBe('');
    expect(none.data.audio).toBeNull();
    expect(none.data.audioNotes).toEqual(['Audio was left out of this page (--no-audio).']);
    expect(none.data.turns[2]!.responses[0]!.audio).toEqual(pageParts((await report([sample])).html).data.turns[2]!.responses[0]!.audio);
    const capped = pageParts((await report([sample, '--max-audio-mb', '2'])).html);
    expect(capped.audio.length).toBeLessThanOrEqual(2_000_000);
    expect(capped.data.audioNotes.join(' ')).toMatch(/^Audio after 15\.\d s is left out: the page holds at most 1\.5 MB of audio \(--max-audio-mb\)\. Not in it: .+ of the user's and .+ of the assistant's audio\. \d turns past the audio cap have no player\.$/);
    // Everything past the cap is counted, not only the chunk that straddles it: the call has 15.0 s of the user's
    // audio and 33.9 s of the assistant's as heard; at most 15.6 s of each fit in 1.5 MB of stereo.
    const left = /Not in it: ([\d.]+) s of the user's and ([\d.]+) s of the assistant's/.exec(capped.data.audioNotes.join(' '));
    expect(Number(left![1]) + Number(left![2])).toBeGreaterThan(15.0 + 33.9 - 2 * 15.7);
  });

  it('says a WebRTC capture has no audio to play, and that a capture without timestamps has no timeline', async () => {
    const { data } = pageParts((await report([fixture('real-beta-webrtc-session.jsonl')])).html);
    expect(data.audioNotes).toEqual(['The audio of this call went over WebRTC: it is not in the event stream, so there is nothing to play.']);
    expect(data.notes).toContain('The capture has no timestamps: there is no timeline, and latency cannot be measured.');
    expect(data.turns.length).toBe(54);
    expect(data.sessions[0]!.webrtc).toBe(true);
  });
});

describe('rtev report: several sources', () => {
  it('makes one page whose turns are named by session, each counting from 1', async () => {
    const { data } = pageParts((await report([fixture('diagnosis.jsonl'), sample])).html);
    expect(data.sessions.map((x) => x.source)).toEqual([fixture('diagnosis.jsonl'), sample]);
    expect(data.turns.map((t) => t.key)).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5', '1.6', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6']);
    const stats = JSON.parse((await rtev(['stats', '--json', fixture('diagnosis.jsonl'), sample])).stdout);
    expect(data.figures.find((f) => f.stat === 'total_tokens')!.value).toBe(stats.usage.total_tokens);
  });
});

describe('rtev report: hostile captures', () => {
  it('escapes JSON so that it cannot end its script element or open a comment', () => {
    const s = scriptJson({ a: '</script><!--<script>&\u2028\u2029' });
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual({ a: '</script><!--<script>&\u2028\u2029' });
  });

  it('writes no markup from the capture: the page has only its own four script elements and no tag the capture named', async () => {
    const dir = tmp();
    const src = join(dir, 'hostile.jsonl');
    writeFileSync(src, hostileCapture());
    const { html, code } = await report([src]);
    expect(code).toBe(0);
    expect(html.match(/<script/gi)!.length).toBe(4);
    expect(html.match(/<\/script/gi)!.length).toBe(4);
    expect(html).not.toMatch(/<(img|svg|iframe|a)\b/i);
    expect(html).not.toContain('<!--');
    const { data, events } = pageParts(html);
    // The strings are all there, as data.
    expect(data.turns[0]!.turn.user_transcript).toBe(PAYLOADS.join(' '));
    expect(events.some((e) => e.includes(PAYLOADS[1]!))).toBe(true);
  });
});

describe('rtev report: GPT-Live and Realtime Translation', () => {
  const gen = (protocol: string, turns: number) => {
    const file = join(tmp(), `${protocol}.jsonl`);
    execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--protocol', protocol, '--turns', String(turns), '--client', '--no-audio', '--out', file]);
    return file;
  };

  it('GPT-Live: the turns of turns --json with their gaps and overlaps, the two voices\' lines, Live figures', async () => {
    const file = gen('live', 12);
    const { data } = pageParts((await report([file])).html);
    const turns = (await rtev(['turns', '--json', file])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(data.turns).toEqual([]);
    expect(data.voices!.turns.map((t) => t.turn)).toEqual(turns);
    expect(data.voices!.turns.map((t) => t.cells.gap)).toEqual(turns.map((t) => ms(t.gap_ms)));
    const lines = JSON.parse((await rtev(['transcript', '--json', file])).stdout);
    expect(data.voices!.lines.map((l) => [l.voice, l.start, l.text])).toEqual(lines.map((l: any) => [l.voice, l.start_ms, l.text]));
    const stats = JSON.parse((await rtev(['stats', '--json', file])).stdout);
    const fig = Object.fromEntries(data.figures.map((f) => [f.stat, f.value]));
    expect(fig).toMatchObject({ turns: 12, gap_p50: stats.live.gap_ms.p50, barge_in: stats.live.turns.barge_in, usage_seconds: stats.live.usage_seconds });
  });

  it('Translation: source and translation side by side, as transcript --json pairs them', async () => {
    const file = gen('translation', 6);
    const { data } = pageParts((await report([file])).html);
    const segs = JSON.parse((await rtev(['transcript', '--json', file])).stdout);
    expect(data.voices!.segments.map((s) => [s.start, s.source, s.translation])).toEqual(segs.map((s: any) => [s.start_ms, s.source, s.translation]));
    expect(data.voices!.languages).toEqual({ input: 'en', output: 'es' });
    expect(data.figures.map((f) => f.stat)).toEqual(['seconds_translated', 'segments']);
  });
});
