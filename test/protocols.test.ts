import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueOf, classify, type Protocol } from '../src/events/catalogue.js';
import { protocolFromUrl } from '../src/events/protocol.js';
import { fixture, rtev, tmp } from './helpers.js';

const ref = JSON.parse(readFileSync(fixture('protocols-2026/catalogue.json'), 'utf8'));
const typesOf = (p: Protocol, dir: 'server' | 'client') => catalogueOf(p).variants.filter((v) => v.dir === dir).map((v) => v.type);

/** The annotated reference frames of a protocol as a recording (or as bare events). */
function capture(name: string, o: { bare?: boolean } = {}): string {
  const lines = readFileSync(fixture(`protocols-2026/${name}.annotated.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const file = join(tmp(), `${name}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(o.bare ? l.frame : { ts: '2026-11-25T12:00:00.000Z', dir: l.dir === 'c2s' ? 'client' : 'server', event: l.frame })).join('\n') + '\n');
  return file;
}

describe('catalogues per protocol', () => {
  it('Live has the 15 client and 27 server events of the reference catalogue', () => {
    expect(typesOf('live', 'client')).toEqual(ref.live.client.map((r: string[]) => r[0]));
    expect(typesOf('live', 'server')).toEqual(ref.live.server.map((r: string[]) => r[0]));
    expect(typesOf('live', 'client')).toHaveLength(15);
    expect(typesOf('live', 'server')).toHaveLength(27);
  });

  it('Translation has the 3 client and 7 server events of the reference catalogue', () => {
    expect(typesOf('translation', 'client')).toEqual(ref.realtime_translation.client.map((r: string[]) => r[0]));
    expect([...typesOf('translation', 'server')].sort()).toEqual(ref.realtime_translation.server.map((r: string[]) => r[0]).sort());
  });

  it('tags the same name by its protocol, and Live reflected input audio by direction', () => {
    expect(classify('session.updated', 'realtime').variant.protocol).toBe('realtime');
    expect(classify('session.updated', 'live').variant.protocol).toBe('live');
    expect(classify('session.started', 'realtime').known).toBe(false);
    expect(classify('session.input_audio.append', 'live').variant.dir).toBe('client');
    expect(classify('session.input_audio.append', 'live', 'server').variant.dir).toBe('server');
    // Azure spells the DTMF echo differently: both are the same variant.
    expect(classify('transport.dtmf.sent', 'live').variant).toBe(classify('transport.dtmf.send', 'live').variant);
    expect(classify('transport.dtmf.sent', 'live').alias).toBe('transport.dtmf.sent');
  });

  it('knows each reference frame in its own protocol', () => {
    for (const [name, p] of [['live-frames', 'live'], ['translation-frames', 'translation']] as const) {
      const lines = readFileSync(fixture(`protocols-2026/${name}.annotated.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      for (const l of lines) expect(classify(l.frame.type, p, l.dir === 'c2s' ? 'client' : 'server').known, l.frame.type).toBe(true);
    }
  });
});

describe('protocol detection', () => {
  it('by the endpoint path', () => {
    expect(protocolFromUrl('wss://api.openai.com/v1/realtime?model=gpt-realtime')).toBe('realtime');
    expect(protocolFromUrl('wss://api.openai.com/v1/realtime/translations?model=gpt-realtime-translate')).toBe('translation');
    expect(protocolFromUrl('wss://api.openai.com/v1/live/sessions')).toBe('live');
    expect(protocolFromUrl('wss://api.openai.com/v1/live/sessions/live_123/attach')).toBe('live');
    expect(protocolFromUrl('wss://x.openai.azure.com/openai/v1/realtime?model=d')).toBe('realtime');
    expect(protocolFromUrl('ws://127.0.0.1:9/')).toBe(null);
  });

  it('by the first frames of bare events', async () => {
    for (const [name, p] of [['live-frames', 'live'], ['translation-frames', 'translation']] as const) {
      const r = await rtev(['cat', '--json', capture(name, { bare: true })]);
      expect(r.code).toBe(0);
      const tagged = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(new Set(tagged.map((t) => t.protocol))).toEqual(new Set([p]));
      expect(tagged.every((t) => t.variant !== 'Unknown')).toBe(true);
    }
  });

  it('by a recording meta line naming the endpoint, before any frame', async () => {
    const file = join(tmp(), 'meta.jsonl');
    writeFileSync(file, [
      JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', dir: 'meta', rtev: { version: '0', source: 'wss://api.openai.com/v1/live/sessions' } }),
      // Names both protocols share: only the endpoint can tell.
      JSON.stringify({ ts: '2026-11-25T12:00:00.001Z', dir: 'server', event: { type: 'session.updated', event_id: 'e1', session: { id: 'live_1' } } }),
    ].join('\n') + '\n');
    const r = await rtev(['cat', '--json', file]);
    expect(JSON.parse(r.stdout).protocol).toBe('live');
  });

  it('never tags a Realtime capture as another protocol', async () => {
    for (const f of ['real-beta-webrtc-session.jsonl', 'spec-ga-server-events.jsonl', 'spec-beta-server-events.jsonl']) {
      const r = await rtev(['cat', '--json', fixture(f)]);
      const protos = new Set(r.stdout.trim().split('\n').map((l) => JSON.parse(l).protocol));
      expect(protos, f).toEqual(new Set(['realtime']));
    }
    const r = await rtev(['cat', '--json', join(fixture('..'), '..', 'recordings', 'sample.jsonl')]);
    expect(new Set(r.stdout.trim().split('\n').map((l) => JSON.parse(l).protocol))).toEqual(new Set(['realtime']));
  });

  it('--protocol forces it', async () => {
    const file = join(tmp(), 'ambiguous.jsonl');
    writeFileSync(file, JSON.stringify({ type: 'session.updated', event_id: 'e', session: {} }) + '\n');
    expect(JSON.parse((await rtev(['cat', '--json', file])).stdout).protocol).toBe('realtime');
    expect(JSON.parse((await rtev(['cat', '--json', '--protocol', 'live', file])).stdout).protocol).toBe('live');
    const bad = await rtev(['cat', '--protocol', 'sip', file]);
    expect(bad.code).toBe(2);
  });

  it('rtev types --protocol lists one catalogue', async () => {
    const r = await rtev(['types', '--json', '--protocol', 'live']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(42);
    expect(rows.every((x) => x.protocol === 'live')).toBe(true);
    expect((await rtev(['types', '--json'])).stdout.trim().split('\n')).toHaveLength(57);
  });
});
