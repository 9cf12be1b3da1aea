import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Frame } from '../src/events/frame.js';
import { contentBytes, openBytes, Peekable } from '../src/sources/input.js';
import { MAX_LINE_BYTES, readFrames, SourceError } from '../src/sources/read.js';
import { MalformedReport } from '../src/sources/report.js';
import { fixture, tmp } from './helpers.js';

async function readAll(specs: string[], o: { stdin?: string | Buffer; maxLineBytes?: number } = {}) {
  const msgs: string[] = [];
  const report = new MalformedReport((l) => msgs.push(l));
  const stdin = new PassThrough();
  stdin.end(o.stdin ?? '');
  const frames: Frame[] = [];
  for await (const batch of readFrames(specs, { stdin, report, maxLineBytes: o.maxLineBytes })) frames.push(...batch);
  report.finish();
  return { frames, msgs, malformed: report.count };
}

const write = (name: string, data: string | Buffer) => {
  const p = join(tmp(), name);
  writeFileSync(p, data);
  return p;
};

const ev = (type: string, extra = '') => `{"type":"${type}","event_id":"e1"${extra}}`;

describe('a read that stops early', () => {
  it('ends its source at once (a file closes then, not when the garbage collector finds it)', async () => {
    let ended = false;
    async function* source() {
      try {
        for (let i = 0; i < 5; i++) yield Buffer.from(`{"type":"x${i}"}\n`);
      } finally {
        ended = true;
      }
    }
    const input = new Peekable(source());
    await input.more(); // peeked, as readers do to tell the format
    for await (const chunk of input) {
      expect(chunk.toString()).toBe('{"type":"x0"}\n');
      break;
    }
    expect(ended).toBe(true);
    // Read to its end, it ends by itself; nothing more is asked of it.
    const whole = new Peekable(source());
    ended = false;
    let n = 0;
    for await (const _ of whole) n++;
    expect([n, ended]).toEqual([5, true]);
  });
});

describe('readers', () => {
  it('reads bare-event JSONL', async () => {
    const { frames, malformed } = await readAll([fixture('spec-ga-server-events.jsonl')]);
    expect(frames).toHaveLength(46);
    expect(malformed).toBe(0);
    expect(frames[0]!.type).toBe('conversation.created');
    expect(frames[0]!.dir).toBeNull();
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
  });

  it('reads recording lines, skips meta lines, keeps text and binary frames', async () => {
    const p = write('rec.jsonl', [
      '{"ts":"2026-11-25T12:00:00.000Z","dir":"meta","rtev":{"version":"0.1.0","source":"ws://127.0.0.1/x"}}',
      `{"ts":"2026-11-25T12:00:00.100Z","dir":"server","event":${ev('session.created', ',"session":{}')}}`,
      `{"ts":"2026-11-25T12:00:00.200Z","dir":"client","event":${ev('response.create')}}`,
      '{"ts":"2026-11-25T12:00:00.300Z","dir":"server","text":"hello, not json"}',
      '{"ts":"2026-11-25T12:00:00.400Z","dir":"server","binary":"AAEC"}',
      '{"ts":"2026-11-25T12:00:00.500Z","dir":"meta","rtev":{"end":"closed","code":1000}}',
    ].join('\n'));
    const { frames, malformed } = await readAll([p]);
    expect(malformed).toBe(0);
    expect(frames.map((f) => [f.kind, f.type, f.dir, f.ts])).toEqual([
      ['event', 'session.created', 'server', '2026-11-25T12:00:00.100Z'],
      ['event', 'response.create', 'client', '2026-11-25T12:00:00.200Z'],
      ['text', '', 'server', '2026-11-25T12:00:00.300Z'],
      ['binary', '', 'server', '2026-11-25T12:00:00.400Z'],
    ]);
    expect(frames[0]!.eventBytes().toString()).toBe(ev('session.created', ',"session":{}'));
    expect(frames[2]!.json()).toBe('hello, not json');
  });

  it('reads a JSON array of events, even pretty-printed', async () => {
    const p = write('arr.json', JSON.stringify([JSON.parse(ev('response.created', ',"response":{}')), JSON.parse(ev('response.done', ',"response":{}'))], null, 2));
    const { frames } = await readAll([p]);
    expect(frames.map((f) => f.type)).toEqual(['response.created', 'response.done']);
  });

  it("reads a HAR file's WebSocket messages with direction and time", async () => {
    const har = {
      log: {
        entries: [
          { request: { url: 'https://example.test/' } },
          {
            _webSocketMessages: [
              { type: 'send', time: 1764072000.5, opcode: 1, data: ev('session.update', ',"session":{}') },
              { type: 'receive', time: 1764072000.75, opcode: 1, data: ev('session.updated', ',"session":{}') },
              { type: 'receive', time: 1764072001, opcode: 1, data: 'plain text' },
            ],
          },
        ],
      },
    };
    const p = write('session.har', JSON.stringify(har, null, 2));
    const { frames } = await readAll([p]);
    expect(frames.map((f) => [f.kind, f.type, f.dir, f.ts])).toEqual([
      ['event', 'session.update', 'client', '2025-11-25T12:00:00.500Z'],
      ['event', 'session.updated', 'server', '2025-11-25T12:00:00.750Z'],
      ['text', '', 'server', '2025-11-25T12:00:01.000Z'],
    ]);
    // The message text is kept verbatim.
    expect(frames[1]!.eventBytes().toString()).toBe(ev('session.updated', ',"session":{}'));
  });

  it('reads gzip by content, whatever the name', async () => {
    const p = write('capture.data', gzipSync(`${ev('error', ',"error":{}')}\n${ev('response.done', ',"response":{}')}\n`));
    const { frames } = await readAll([p]);
    expect(frames.map((f) => f.type)).toEqual(['error', 'response.done']);
  });

  it('reads stdin for - and when no source is given', async () => {
    expect((await readAll(['-'], { stdin: `${ev('error')}\n` })).frames).toHaveLength(1);
    expect((await readAll([], { stdin: gzipSync(`${ev('error')}\n${ev('error')}`) })).frames).toHaveLength(2);
  });

  it('reports and skips the bad lines of a messy file, keeping the good ones', async () => {
    const p = write('messy.jsonl', [
      ev('session.created', ',"session":{}') + '\r',
      '',
      '   ',
      'not json at all',
      '{"type":7}',
      '[{"type":"error"}]',
      ev('no.such.type'),
      ev('response.done', ',"response":{"status":"completed"}') + '\r',
      '{"type":"response.output_audio.delta","delta":"AAAA',
    ].join('\n'));
    const { frames, msgs, malformed } = await readAll([p]);
    expect(frames.map((f) => f.type)).toEqual(['session.created', 'no.such.type', 'response.done']);
    expect(frames[1]!.tag.variant.name).toBe('Unknown');
    expect(malformed).toBe(4);
    expect(msgs).toEqual([
      `${p}:4: not a JSON object`,
      `${p}:5: "type" is not a string`,
      `${p}:6: a JSON array, not an event object`,
      `${p}:9: invalid JSON: unterminated string`,
    ]);
  });

  it('reads JSONL whose first line is cut short as JSONL, not as a broken document', async () => {
    const p = write('cut.jsonl', `{"type":"error","event_id":"e","error":{"code":"tr\n${ev('error')}\n`);
    const { frames, msgs } = await readAll([p]);
    expect(frames.map((f) => f.line)).toEqual([2]);
    expect(msgs).toEqual([`${p}:1: invalid JSON: unterminated string`]);
    await expect(readAll([write('bad.har', '{\n  "log": {\n  "entries": [')])).rejects.toThrow(/a HAR file without WebSocket messages/);
  });

  it('reports only the first 10 bad lines, then a count', async () => {
    const p = write('bad.jsonl', [ev('error'), ...Array.from({ length: 25 }, () => 'nope')].join('\n'));
    const { msgs, malformed } = await readAll([p]);
    expect(malformed).toBe(25);
    expect(msgs).toHaveLength(11);
    expect(msgs[10]).toBe('rtev: 25 malformed lines in all (15 not shown)');
  });

  it('handles a 70 MB line (over the old 64 MiB limit), and refuses a line over the limit without holding it', async () => {
    const big = 'A'.repeat(70 * 1024 * 1024);
    const line = `{"type":"response.output_audio.delta","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"${big}"}`;
    const p = write('big.jsonl', `${ev('error')}\n${line}\n${ev('error')}\n`);
    const ok = await readAll([p]);
    expect(ok.frames.map((f) => f.type)).toEqual(['error', 'response.output_audio.delta', 'error']);
    expect(ok.frames[1]!.audioBytes()).toBe((big.length * 3) / 4);
    const refused = await readAll([p], { maxLineBytes: 10 * 1024 * 1024 });
    expect(refused.frames.map((f) => f.type)).toEqual(['error', 'error']);
    expect(refused.msgs[0]).toMatch(/:2: line of 70\.0 MiB is over the 10 MiB limit, skipped/);
    expect(MAX_LINE_BYTES).toBe(256 * 1024 * 1024);
  });

  it('reads lines across every chunk boundary whole: split characters, CRLF, a last line without newline', async () => {
    // About 3 MB of lines from a few bytes to 300 KB, of two- and four-byte characters: the reads' boundaries
    // (whatever the chunk size) fall inside characters, inside CRLFs and between lines.
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const texts: string[] = [];
    let body = '';
    for (let n = 0; body.length < 3_000_000; n++) {
      const len = rand(4) === 0 ? rand(300_000) : rand(2_000);
      const text = 'é😀x'.repeat(Math.ceil(len / 4)).slice(0, len).replace(/[\uD800-\uDBFF]$/, '');
      texts.push(text);
      body += JSON.stringify({ type: 'response.output_text.delta', n, delta: text }) + (rand(3) === 0 ? '\r\n' : '\n');
    }
    const p = write('boundaries.jsonl', body.replace(/\r?\n$/, ''));
    const { frames, malformed } = await readAll([p]);
    expect(malformed).toBe(0);
    expect(frames.map((f) => f.json().delta)).toEqual(texts);
    expect(frames.map((f) => f.json().n)).toEqual(texts.map((_, i) => i));
  });

  it('reads what is appended to a file while it is read, in order, none lost', async () => {
    const p = write('growing.jsonl', 'a'.repeat(100));
    const it = openBytes(p, new PassThrough())[Symbol.asyncIterator]();
    const got: Buffer[] = [];
    const next = async () => {
      const r = await it.next();
      if (!r.done) got.push(r.value);
      return r.done === true;
    };
    expect(await next()).toBe(false); // what the file held when it was opened
    appendFileSync(p, 'b'.repeat(10));
    expect(await next()).toBe(false);
    appendFileSync(p, 'c'.repeat(70_000)); // more than one read past the end
    while (!(await next()));
    expect(Buffer.concat(got).toString()).toBe('a'.repeat(100) + 'b'.repeat(10) + 'c'.repeat(70_000));
  });

  it("plans a gzip file by the size it expands to (its trailer), others by their size", () => {
    const text = `${ev('error')}\n`.repeat(200_000);
    const gz = write('big.jsonl.gz', gzipSync(text));
    const plain = write('small.jsonl', text.slice(0, 1000));
    expect(statSync(gz).size).toBeLessThan(1 << 20);
    expect(contentBytes(gz)).toBe(Buffer.byteLength(text));
    expect(contentBytes(plain)).toBe(1000);
    expect(contentBytes(write('not-gzip.gz', 'plain text, named .gz'))).toBe(21);
    expect(contentBytes('/nonexistent/x.jsonl.gz')).toBe(0);
  });

  it('fails a missing file with one clear error', async () => {
    await expect(readAll(['/nonexistent/x.jsonl'])).rejects.toThrow(new SourceError('/nonexistent/x.jsonl: no such file'));
  });
});
