// Inputs that used to be lost whole (issue 12), envelopes and timestamps (issue 13): read what can be read,
// report the rest as FILE:N.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../src/events/frame.js';
import { JsonStreamSplitter } from '../src/sources/json-stream.js';
import { readFrames } from '../src/sources/read.js';
import { MalformedReport } from '../src/sources/report.js';
import { fixture, rtev, tmp } from './helpers.js';

async function readAll(specs: string[], o: { maxLineBytes?: number } = {}) {
  const msgs: string[] = [];
  const errors: string[] = [];
  const report = new MalformedReport((l) => msgs.push(l));
  const stdin = new PassThrough();
  stdin.end();
  const frames: Frame[] = [];
  for await (const batch of readFrames(specs, { stdin, report, maxLineBytes: o.maxLineBytes, onSourceError: (e) => errors.push(e.message) })) frames.push(...batch);
  report.finish();
  return { frames, msgs, errors, malformed: report.count, types: frames.map((f) => f.type) };
}

const write = (name: string, data: string | Buffer, dir = tmp()) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

const ev = (type: string, extra = '') => `{"type":"${type}","event_id":"e1"${extra}}`;
const obj = (type: string, extra: object = {}) => ({ type, event_id: 'e1', ...extra });

describe('JSONL with an odd first line', () => {
  for (const first of ['[]', '[1,2]', '{']) {
    it(`reads JSONL whose first line is ${first}, reporting only that line`, async () => {
      const p = write('odd.jsonl', `${first}\n${ev('error')}\n${ev('response.done', ',"response":{}')}\n`);
      const r = await readAll([p]);
      expect(r.types).toEqual(['error', 'response.done']);
      expect(r.frames.map((f) => f.line)).toEqual([2, 3]);
      expect(r.malformed).toBe(1);
      expect(r.msgs[0]).toMatch(new RegExp(`^${p}:1: `));
      expect(r.errors).toEqual([]);
    });
  }

  it('reads JSONL after a byte-order mark', async () => {
    const r = await readAll([write('bom.jsonl', `\uFEFF${ev('error')}\n${ev('error')}\n`)]);
    expect(r.types).toEqual(['error', 'error']);
    expect(r.malformed).toBe(0);
  });
});

describe('JSON documents, streamed', () => {
  it('reads concatenated pretty-printed objects (jq . capture.jsonl), numbered by the line each starts on', async () => {
    const text = [obj('session.created', { session: {} }), obj('error', { error: { message: 'a\nb' } }), obj('response.done', { response: {} })]
      .map((o) => JSON.stringify(o, null, 2)).join('\n');
    const r = await readAll([write('pretty.jsonl', text)]);
    expect(r.types).toEqual(['session.created', 'error', 'response.done']);
    const starts = text.split('\n').flatMap((l, i) => (l === '{' ? [i + 1] : []));
    expect(r.frames.map((f) => f.line)).toEqual(starts);
    expect(r.malformed).toBe(0);
    // A unit is one line, JSON that reads the same.
    expect(r.frames[1]!.rawBytes().includes(0x0a)).toBe(false);
    expect(r.frames[1]!.json().error.message).toBe('a\nb');
  });

  it('reads an array after a byte-order mark, and a one-line array', async () => {
    const arr = [obj('error'), obj('response.done', { response: {} })];
    expect((await readAll([write('bom.json', '\uFEFF' + JSON.stringify(arr, null, 2))])).types).toEqual(['error', 'response.done']);
    expect((await readAll([write('one.json', JSON.stringify(arr) + '\n')])).types).toEqual(['error', 'response.done']);
  });

  it('keeps every complete element of a truncated array and reports the cut one', async () => {
    const full = JSON.stringify([obj('error'), obj('response.created', { response: {} }), obj('response.done', { response: { id: 'r' } })], null, 2);
    const p = write('cut.json', full.slice(0, full.lastIndexOf('"r"')));
    const r = await readAll([p]);
    expect(r.types).toEqual(['error', 'response.created']);
    expect(r.msgs).toEqual([`${p}:3: cut short (truncated?)`]);
  });

  it('keeps its elements as they were, on one line each', async () => {
    const p = write('arr.json', '[\n  {"type": "error",\n   "n": 1.50}, {"type":"x"}\n]');
    const r = await readAll([p]);
    expect(r.frames.map((f) => f.eventBytes().toString())).toEqual(['{"type": "error",    "n": 1.50}', '{"type":"x"}']);
  });

  it('reports array elements that are not valid event objects, by element number, and reads the rest', async () => {
    const p = write('mixed.json', '[1, "s", {"type":"error"}, {"type":tru}, null, [2], {"type":"response.done","response":{}}]');
    const r = await readAll([p]);
    expect(r.types).toEqual(['error', 'response.done']);
    expect(r.msgs).toEqual([
      `${p}:1: not a JSON object`, `${p}:2: not a JSON object`, `${p}:4: invalid JSON: invalid literal (not true, false or null)`,
      `${p}:5: not a JSON object`, `${p}:6: a JSON array, not an event object`,
    ]);
  });

  it('reads on after an object broken in the middle of a pretty-printed stream', async () => {
    const good = (t: string) => JSON.stringify(obj(t), null, 2);
    const text = [good('error'), '{\n  "type": "response.done",\n  "text": "cut here', good('response.created'), good('error')].join('\n');
    const p = write('broken.jsonl', text);
    const r = await readAll([p]);
    expect(r.types).toEqual(['error', 'response.created', 'error']);
    expect(r.malformed).toBe(1);
    expect(r.msgs[0]).toMatch(new RegExp(`^${p}:5: a raw line break inside a string`));
  });

  it('never accepts a raw line break inside a string, though a unit becomes one line', async () => {
    const r = await readAll([write('nl.json', '[{"type":"error","m":"a\nb"}, {"type":"error"}]')]);
    expect(r.types).toEqual(['error']);
    expect(r.malformed).toBe(1);
  });

  it('streams a big array element by element: only one element must fit the line limit', async () => {
    const els = Array.from({ length: 200 }, (_, i) => obj('response.output_audio.delta', { delta: 'A'.repeat(4000), n: i }));
    const p = write('big.json', JSON.stringify(els));
    const r = await readAll([p], { maxLineBytes: 8192 });
    expect(r.frames).toHaveLength(200);
    expect(r.frames[199]!.audioBytes()).toBe(3000);
    const over = await readAll([p], { maxLineBytes: 1000 });
    expect(over.errors[0]).toMatch(/nothing could be read: all 200 elements are malformed; element 1: an element of 4071 bytes is over the 1000 bytes limit/);
  });

  it('reads a gzip-compressed pretty array', async () => {
    const r = await readAll([write('a.json.gz', gzipSync(JSON.stringify([obj('error')], null, 2)))]);
    expect(r.types).toEqual(['error']);
  });
});

describe('HAR files', () => {
  const har = (messages: unknown[], o: { url?: string; first?: object } = {}) => ({
    ...o.first,
    log: { version: '1.2', entries: [{ request: { url: o.url ?? 'wss://api.openai.com/v1/realtime?model=x' }, _webSocketMessages: messages }] },
  });
  const msg = (type: 'send' | 'receive', data: string, time = 1764072000.5) => ({ type, time, opcode: 1, data });

  it('reads the other messages when one is null, and one with time 1e20 without its time', async () => {
    const p = write('s.har', JSON.stringify(har([msg('receive', ev('error')), null, { ...msg('receive', ev('response.done', ',"response":{}')), time: 1e20 }]), null, 2));
    const r = await readAll([p]);
    expect(r.types).toEqual(['error', 'response.done']);
    expect(r.frames.map((f) => f.ts)).toEqual(['2025-11-25T12:00:00.500Z', null]);
    expect(r.msgs).toEqual([`${p}:2: a WebSocket message that is not an object`]);
  });

  it('reads a single-line HAR whose first key is not log', async () => {
    const r = await readAll([write('one.har', JSON.stringify(har([msg('send', ev('response.create'))], { first: { comment: 'x' } })) + '\n')]);
    expect(r.types).toEqual(['response.create']);
    expect(r.frames[0]!.direction).toBe('client');
  });

  it("decides the protocol from the entry's request URL", async () => {
    const r = await readAll([write('live.har', JSON.stringify(har([msg('receive', ev('session.updated', ',"session":{}'))], { url: 'wss://api.openai.com/v1/live/sessions' })))]);
    expect(r.frames[0]!.tag.variant.protocol).toBe('live');
  });
});

describe('envelopes', () => {
  const lines = [
    { direction: 'sent', event: obj('session.update', { session: {} }), timestamp: '2026-11-25T12:00:00.000Z' },
    { direction: 'received', event: JSON.stringify(obj('session.created', { session: { type: 'realtime' } }), null, 1), timestamp: 1795608000250 },
    { direction: 'server', event: JSON.stringify(obj('error', { error: {} })), ts: '2026-11-25T12:00:00.5+00:00' },
    { direction: 'client', event: 'not json at all', time: 1795608001 },
    { direction: 'incoming', event: obj('response.done', { response: {} }) },
  ];

  it('reads JSONL envelopes: direction words, events as objects or JSON strings, ISO and epoch times', async () => {
    const p = write('env.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
    const r = await readAll([p]);
    expect(r.malformed).toBe(0);
    expect(r.frames.map((f) => [f.kind, f.type, f.direction, f.ts])).toEqual([
      ['event', 'session.update', 'client', '2026-11-25T12:00:00.000Z'],
      ['event', 'session.created', 'server', '2026-11-25T12:00:00.250Z'],
      ['event', 'error', 'server', '2026-11-25T12:00:00.500Z'],
      ['text', '', 'client', '2026-11-25T12:00:01.000Z'],
      ['event', 'response.done', 'server', null],
    ]);
    // A string event is read as that event: its bytes, fields and parse, on one line.
    const created = r.frames[1]!;
    expect(created.eventBytes().toString()).toBe(JSON.stringify(obj('session.created', { session: { type: 'realtime' } }), null, 1).replace(/\n/g, ' '));
    expect(created.field('event_id')).toBe('e1');
    expect(created.json().session.type).toBe('realtime');
    expect(r.frames[3]!.json()).toBe('not json at all');
    expect(created.rawBytes().toString()).toBe(JSON.stringify(lines[1]));
  });

  it('reads the same envelopes as a JSON array', async () => {
    const a = await readAll([write('env.json', JSON.stringify(lines, null, 2))]);
    const b = await readAll([write('env.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'))]);
    const view = (f: Frame) => [f.kind, f.type, f.direction, f.ts, f.json()];
    expect(a.frames.map(view)).toEqual(b.frames.map(view));
    expect(a.frames).toHaveLength(5);
  });

  it('shows string events through cat --json as the events they hold', async () => {
    const p = write('env.jsonl', lines.slice(1, 2).map((l) => JSON.stringify(l)).join('\n'));
    const r = await rtev(['cat', '--json', p]);
    const tagged = JSON.parse(r.stdout);
    expect(tagged).toMatchObject({ ts: '2026-11-25T12:00:00.250Z', dir: 'server', variant: 'SessionCreated', event: { type: 'session.created' } });
  });

  it('decides the protocol from envelopes too', async () => {
    const frames = readFileSync(fixture('protocols-2026/translation-frames.annotated.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const p = write('tr.jsonl', frames.map((l) => JSON.stringify({ direction: l.dir === 'c2s' ? 'sent' : 'received', event: JSON.stringify(l.frame) })).join('\n'));
    const r = await readAll([p]);
    expect(new Set(r.frames.map((f) => f.tag.variant.protocol))).toEqual(new Set(['translation']));
  });
});

describe('bare events with their own time', () => {
  it('takes ts, timestamp or received_at when it parses as a time', async () => {
    const p = write('t.jsonl', [
      ev('error', ',"ts":"2026-11-25T12:00:00.000Z"'),
      ev('error', ',"timestamp":1795608000500'),
      ev('error', ',"received_at":1795608001'),
      ev('error', ',"ts":"soon"'),
      ev('error', ',"timestamp":1e30'),
      ev('error', ',"time":1795608001'),
    ].join('\n'));
    const r = await readAll([p]);
    expect(r.frames.map((f) => f.ts)).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-25T12:00:00.500Z', '2026-11-25T12:00:01.000Z', null, null, null]);
    expect(r.frames[1]!.time).toBe(1795608000500);
  });
});

describe('a source with nothing readable', () => {
  it('is one line saying so and what its first line looks like', async () => {
    const p = write('data.csv', 'time,direction,payload\n1,sent,hello\n2,received,hi\n');
    const r = await readAll([p]);
    expect(r.msgs).toEqual([]);
    expect(r.errors).toEqual([`${p}: nothing could be read: all 3 lines are malformed; line 1 "time,direction,payload": not a JSON object`]);
  });

  it('makes the CLI exit 1 with that one line', async () => {
    const p = write('x.jsonl', '{"a":1}\n{"b":2}\n');
    const r = await rtev(['stats', p]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`rtev: ${p}: nothing could be read: all 2 lines are malformed; line 1 "{\\"a\\":1}": no string "type" (not an event, not a recording line)`]);
  });

  it('is not what a file with one good line gets: its bad lines are reported as usual, exit 0', async () => {
    const p = write('x.jsonl', `nope\n${ev('error')}\nnope\n`);
    const r = await rtev(['cat', p]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`${p}:1: not a JSON object`, `${p}:3: not a JSON object`]);
  });
});

describe('folders', () => {
  it('reads every capture in a folder, recursively, in name order', async () => {
    const d = tmp();
    mkdirSync(join(d, 'a', 'deep'), { recursive: true });
    mkdirSync(join(d, '.hidden'));
    write('b.jsonl', `${ev('response.done', ',"response":{}')}\n`, d);
    write('a.json', JSON.stringify([obj('error')]), d);
    write('x.jsonl', `${ev('response.created', ',"response":{}')}\n`, join(d, 'a', 'deep'));
    write('c.jsonl.gz', gzipSync(`${ev('session.created', ',"session":{}')}\n`), d);
    write('notes.txt', 'not a capture', d);
    write('y.jsonl', `${ev('rate_limits.updated')}\n`, join(d, '.hidden'));
    const r = await readAll([d]);
    expect(r.frames.map((f) => [f.source.slice(d.length + 1), f.type])).toEqual([
      ['a.json', 'error'], ['a/deep/x.jsonl', 'response.created'], ['b.jsonl', 'response.done'], ['c.jsonl.gz', 'session.created'],
    ]);
    expect(r.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
  });

  it('says so in one line when a folder holds no capture', async () => {
    const d = tmp();
    write('notes.txt', 'x', d);
    const r = await readAll([d]);
    expect(r.errors).toEqual([`${d}: a folder with no captures (.jsonl, .json or .har, optionally .gz, in it or its subfolders)`]);
  });
});

describe('the streaming splitter across chunk boundaries', () => {
  function split(chunks: Buffer[]): string[] {
    const out: string[] = [];
    const s = new JsonStreamSplitter(1 << 20, {
      unit: (kind, buf, n) => out.push(`${kind} ${n} ${buf.toString()}`),
      url: (u) => out.push(`url ${u}`),
      broken: (n, reason) => out.push(`broken ${n} ${reason}`),
    });
    for (const c of chunks) s.push(c);
    s.end();
    return out;
  }
  const docs = [
    `[{"type":"a","s":"q\\"uo\\\\te\\\\\\"d"},\n {"type":"b","t":"\\\\"}, 12, "str\\"", {"type":"c","n":[1,{"x":"]"}]}]`,
    `{"log":{"entries":[{"request":{"url":"wss://h/v1/live/sessions"},"_webSocketMessages":[{"type":"send","time":1,"opcode":1,"data":"{\\"type\\":\\"x\\\\\\"\\"}"},null]}]}}`,
    `{\n  "type": "a",\n  "v": "}{"\n}\n{\n  "type": "b"\n}\ngarbage here\n{"type":"c"}`,
  ];
  for (const [k, doc] of docs.entries()) {
    it(`gives the same units however document ${k + 1} is cut into chunks`, () => {
      const buf = Buffer.from(doc);
      const whole = split([buf]);
      expect(whole.length).toBeGreaterThan(2);
      for (let cut = 1; cut < buf.length; cut++) expect(split([buf.subarray(0, cut), buf.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
      expect(split([...buf].map((b) => Buffer.from([b])))).toEqual(whole);
    });
  }
});

describe('hostile documents', () => {
  it('never throws or hangs on mutated arrays, HAR files and pretty-printed streams', async () => {
    const docs = [
      JSON.stringify([obj('error', { error: { m: 'a"b\\c' } }), obj('response.done', { response: { id: 'r' } })], null, 2),
      JSON.stringify({ log: { entries: [{ request: { url: 'wss://x/v1/realtime' }, _webSocketMessages: [{ type: 'send', time: 1, opcode: 1, data: ev('response.create') }] }] } }),
      [obj('error'), obj('session.created', { session: {} })].map((o) => JSON.stringify(o, null, 2)).join('\n'),
    ];
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const alphabet = '{}[]",:\\\n "x01-.e\uFEFF';
    let read = 0;
    for (let k = 0; k < 400; k++) {
      const doc = docs[k % docs.length]!.split('');
      for (let m = 0; m <= rand(4); m++) {
        const at = rand(doc.length);
        const op = rand(3);
        if (op === 0) doc.splice(at, 1);
        else if (op === 1) doc.splice(at, 0, alphabet[rand(alphabet.length)]!);
        else doc.length = at;
      }
      const p = write('m.json', doc.join(''));
      const r = await readAll([p]);
      read += r.frames.length;
      // Whatever came through is valid JSON: the scanner let nothing else by.
      for (const f of r.frames) expect(typeof f.json()).toBe(f.kind === 'event' ? 'object' : 'string');
    }
    expect(read).toBeGreaterThan(100);
  });
});
