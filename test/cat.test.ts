import { describe, expect, it } from 'vitest';
import { cutMiddle } from '../src/format/pretty.js';
import { fixture, rtev } from './helpers.js';

const rec = (ts: string, dir: string, event: object) => JSON.stringify({ ts, dir, event });
const audio = (item: string, ms: number) => ({
  type: 'response.output_audio.delta', event_id: 'e', response_id: 'resp_1', item_id: item, output_index: 0, content_index: 0,
  delta: Buffer.alloc(ms * 48).toString('base64'),
});

describe('rtev cat', () => {
  it('prints one line per event with a summary for each family (colour off)', async () => {
    const r = await rtev(['cat', '--time', 'none', fixture('spec-ga-server-events.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(46);
    // Type names longer than the column (40) are cut in their middle.
    const line = (type: string) => lines.find((l) => l.startsWith(`↓ ${cutMiddle(type, 40)} `) || l === `↓ ${type}`)!;
    // session, conversation, transcription, input/output buffers, response, text, audio, transcript,
    // function calls, mcp, rate limits, error: each shows what matters for it.
    expect(line('session.created')).toMatch(/gpt-realtime-2025-08-28 voice=marin in=pcm out=pcm turn=server_vad/);
    expect(line('conversation.item.created')).toMatch(/msg_003 message user completed$/);
    expect(line('conversation.item.input_audio_transcription.completed')).toMatch(/"Hey, can you hear me\?"$/);
    expect(line('conversation.item.input_audio_transcription.failed')).toMatch(/audio_unintelligible: The audio could not be transcribed\./);
    expect(line('input_audio_buffer.speech_started')).toMatch(/msg_003 at 1\.00 s$/);
    expect(line('input_audio_buffer.dtmf_event_received')).toMatch(/key "9"$/);
    expect(line('output_audio_buffer.started')).toMatch(/resp_abc123$/);
    expect(line('response.done')).toMatch(/completed · in 132 \(cached 64\) · out 121 tokens$/);
    expect(line('response.output_text.delta')).toMatch(/"Sure, I can h"$/);
    expect(line('response.output_audio.delta')).toMatch(/resp_001 msg_008 0\.00 s audio, 17 B$/);
    expect(line('response.output_audio_transcript.done')).toMatch(/"Hello, how can I assist you today\?"$/);
    expect(line('response.function_call_arguments.done')).toMatch(/call_001 get_weather\(\{"location": "San Francisco"\}\)$/);
    expect(line('response.mcp_call_arguments.done')).toMatch(/\{"q":"docs"\}$/);
    expect(line('rate_limits.updated')).toMatch(/requests 999\/1000 \(reset 60\.0 s\) · tokens 49950\/50000 \(reset 60\.0 s\)$/);
    // The error names the client event that caused it, which this capture lacks.
    // Key facts first: the code and the cause before the message, which a narrow line may cut.
    expect(line('error')).toMatch(/invalid_request_error invalid_event ↩ client event event_567 \(not in the capture\): The 'type' field is missing\.$/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('colours the type by family when asked', async () => {
    const r = await rtev(['cat', '--color', '--time', 'none', fixture('spec-ga-server-events.jsonl')]);
    expect(r.stdout).toMatch(/\x1b\[31m\x1b\[1merror/); // error: bold red
    expect(r.stdout).toMatch(/\x1b\[32mresponse\.done/); // response: green
  });

  it('decides colour: --no-color > NO_COLOR > FORCE_COLOR > TTY', async () => {
    const f = fixture('spec-ga-server-events.jsonl');
    const coloured = (r: { stdout: string }) => /\x1b\[/.test(r.stdout);
    expect(coloured(await rtev(['cat', f], { tty: true }))).toBe(true);
    expect(coloured(await rtev(['cat', f], { tty: true, env: { NO_COLOR: '1' } }))).toBe(false);
    expect(coloured(await rtev(['cat', f], { tty: true, env: { NO_COLOR: '' } }))).toBe(true);
    expect(coloured(await rtev(['cat', f], { env: { FORCE_COLOR: '1' } }))).toBe(true);
    expect(coloured(await rtev(['cat', f], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }))).toBe(false);
    expect(coloured(await rtev(['cat', '--color', f], { env: { NO_COLOR: '1' } }))).toBe(true);
    expect(coloured(await rtev(['cat', '--no-color', f], { tty: true, env: { FORCE_COLOR: '1' } }))).toBe(false);
  });

  it('never writes control characters from the stream raw', async () => {
    const evil = { type: 'response.output_text.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'a\u001b]0;x\u0007b\u202ec\u009bd\u2066e' };
    const unknown = { type: 'x\u001b[2Jy', note: '\u0007' };
    const r = await rtev(['cat', '--color', '--wide'], { stdin: `${JSON.stringify(evil)}\n${JSON.stringify(unknown)}\n` });
    const withoutOurColours = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(withoutOurColours).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(withoutOurColours).toContain('"a\\x1b]0;x\\x07b\\u202ec\\x9bd\\u2066e"');
    expect(withoutOurColours).toContain('x\\x1b[2Jy');
  });

  it('collapses the audio deltas of one item into one line, across interleaved transcript deltas', async () => {
    const tr = { type: 'response.output_audio_transcript.delta', event_id: 'e', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0, delta: 'hi' };
    const lines = [
      rec('2026-11-25T12:00:00.000Z', 'server', audio('item_a', 200)),
      rec('2026-11-25T12:00:00.100Z', 'server', tr),
      rec('2026-11-25T12:00:00.200Z', 'server', audio('item_a', 200)),
      rec('2026-11-25T12:00:00.300Z', 'server', audio('item_a', 100)),
      rec('2026-11-25T12:00:00.400Z', 'server', { type: 'response.output_audio.done', event_id: 'e', response_id: 'resp_1', item_id: 'item_a', output_index: 0, content_index: 0 }),
      rec('2026-11-25T12:00:00.500Z', 'server', audio('item_b', 1000)),
    ].join('\n');
    const r = await rtev(['cat'], { stdin: lines });
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      '12:00:00.100 ↓ response.output_audio_transcript.delta   resp_1 item_a "hi"',
      '12:00:00.300 ↓ response.output_audio.delta              resp_1 item_a ×3, 0.50 s audio, 24.0 KB (0.00–0.30 s)',
      '12:00:00.400 ↓ response.output_audio.done               resp_1 item_a',
      '12:00:00.500 ↓ response.output_audio.delta              resp_1 item_b 1.00 s audio, 48.0 KB',
    ]);
    const all = await rtev(['cat', '--all', '--time', 'none'], { stdin: lines });
    expect(all.stdout.split('\n').filter((l) => l.includes('output_audio.delta'))).toHaveLength(4);
  });

  it('measures G.711 audio at 8 kHz when the session says so', async () => {
    const session = { type: 'session.created', event_id: 'e', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcmu' } } } } };
    const r = await rtev(['cat', '--time', 'none'], { stdin: `${JSON.stringify(session)}\n${JSON.stringify(audio('item_a', 100))}\n` });
    // 4,800 bytes of µ-law at 8,000 bytes/s.
    expect(r.stdout).toContain('0.60 s audio, 4.8 KB pcmu');
  });

  it('shows time as abs, rel, delta or none', async () => {
    const lines = ['12:00:00.000', '12:00:01.500', '12:00:01.750'].map((t) => rec(`2026-11-25T${t}Z`, 'server', { type: 'input_audio_buffer.cleared', event_id: 'e' })).join('\n');
    const col = async (mode: string) => (await rtev(['cat', '--time', mode], { stdin: lines })).stdout.split('\n').filter(Boolean).map((l) => l.split('↓')[0]!.trim());
    expect(await col('abs')).toEqual(['12:00:00.000', '12:00:01.500', '12:00:01.750']);
    expect(await col('rel')).toEqual(['+0.000', '+1.500', '+1.750']);
    expect(await col('delta')).toEqual(['+0.000', '+1.500', '+0.250']);
    expect(await col('none')).toEqual(['', '', '']);
  });

  it('cuts long values to the width unless --wide', async () => {
    const e = { type: 'response.output_text.done', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, text: 'x'.repeat(500) };
    const cut = await rtev(['cat', '--time', 'none'], { stdin: JSON.stringify(e), tty: true, columns: 100, env: { NO_COLOR: '1' } });
    expect(cut.stdout.trimEnd().length).toBeLessThanOrEqual(100);
    expect(cut.stdout).toContain('…');
    const wide = await rtev(['cat', '--wide', '--time', 'none'], { stdin: JSON.stringify(e), tty: true, columns: 100 });
    expect(wide.stdout).toContain('x'.repeat(500));
  });

  it('--json tags every event, splicing its bytes verbatim, with the beta alias when used', async () => {
    const r = await rtev(['cat', '--json', fixture('spec-beta-server-events.jsonl')]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    const input = (await import('node:fs')).readFileSync(fixture('spec-beta-server-events.jsonl'), 'utf8').trimEnd().split('\n');
    lines.forEach((l, i) => {
      const t = JSON.parse(l);
      expect(Object.keys(t).slice(0, 6)).toEqual(['seq', 'ts', 'dir', 'protocol', 'variant', 'family']);
      expect(t.seq).toBe(i + 1);
      expect(l.endsWith(`"event":${input[i]}}`)).toBe(true);
    });
    const audioDelta = JSON.parse(lines.find((l) => l.includes('"response.audio.delta"'))!);
    expect(audioDelta).toMatchObject({ variant: 'ResponseOutputAudioDelta', family: 'audio', alias: 'response.audio.delta', dir: 'server', ts: null });
    const created = JSON.parse(lines.find((l) => l.includes('"conversation.item.created"'))!);
    expect(created.alias).toBeUndefined();
  });

  it('--raw writes the input lines unchanged', async () => {
    const input = '{"type":"error" , "event_id":"e","error":{}}\n{"ts":"2026-11-25T12:00:00Z","dir":"client","event":{"type":"response.create"}}\n';
    expect((await rtev(['cat', '--raw'], { stdin: input })).stdout).toBe(input);
  });

  it('applies the filter options', async () => {
    const r = await rtev(['cat', '--type', 'response.audio_transcript.done', '--time', 'none', fixture('real-beta-webrtc-session.jsonl')]);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(21);
  });

  it('shows every fixture readably, with no malformed lines', async () => {
    for (const f of ['real-beta-webrtc-session.jsonl', 'spec-beta-server-events.jsonl', 'spec-ga-client-events.jsonl']) {
      const r = await rtev(['cat', fixture(f)]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });
});
