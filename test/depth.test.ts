// No recursion on the depth of input: events nested 10,000 and 100,000 levels deep, known and unknown types,
// through every command that looks inside events.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeper, parseBounded } from '../src/events/bounded-json.js';
import { rtev, tmp } from './helpers.js';

const arrays = (d: number) => '['.repeat(d) + ']'.repeat(d);
const objects = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);

describe('bounded parsing', () => {
  it('cuts values below the limit to "…", leaves shallow events and brackets in strings alone', () => {
    const t = (s: string, limit: number) => JSON.stringify(parseBounded(Buffer.from(s), 0, Buffer.byteLength(s), limit));
    expect(t('[[[1]],{"a":[[2]]},"[[["]', 2)).toBe('[["…"],{"a":"…"},"[[["]');
    expect(t('{"e":"x\\"[[[","f":[1,[2,[3]]]}', 2)).toBe('{"e":"x\\"[[[","f":[1,"…"]}');
    const shallow = '{"type":"session.created","session":{"tools":[{"parameters":{"properties":{"a":{"type":"string"}}}}]}}';
    expect(t(shallow, MAX_JSON_DEPTH)).toBe(shallow);
    const deep = Buffer.from(`{"v":${arrays(100000)}}`);
    expect(nestsDeeper(deep, 0, deep.length, MAX_JSON_DEPTH)).toBe(true);
    let v: any = parseBounded(deep, 0, deep.length);
    let depth = 0;
    while (typeof v === 'object') { v = Array.isArray(v) ? v[0] : v.v; depth++; }
    expect(depth).toBe(MAX_JSON_DEPTH);
    expect(v).toBe('…');
  });
});

describe('deeply nested events', () => {
  const dir = tmp();
  const file = join(dir, 'deep.jsonl');
  const events = [
    `{"type":"x.deep","v":${arrays(10000)}}`,
    `{"type":"x.deeper","v":${objects(100000)}}`,
    `{"type":"response.done","response":{"id":"r","status":X,"usage":{"input_tokens":X},"output":[{"type":"message","role":"assistant","content":X}]}}`,
    `{"type":"rate_limits.updated","rate_limits":[{"name":X,"remaining":X,"limit":X}]}`,
    `{"type":"conversation.item.truncated","item_id":"i","content_index":X,"audio_end_ms":X}`,
    `{"type":"conversation.item.input_audio_transcription.segment","item_id":"i","start":X,"end":X,"text":X,"speaker":X}`,
    `{"type":"error","error":{"type":X,"code":X,"message":X,"param":X}}`,
    `{"type":"session.created","session":{"model":X,"tools":X,"instructions":X,"audio":{"input":{"format":X,"turn_detection":X}}}}`,
    `{"type":"conversation.item.done","item":{"id":"i2","type":"function_call","name":X,"arguments":X,"call_id":"c"}}`,
  ].map((e) => e.replace(/(?<=[:[,])X(?=[,}\]])/g, arrays(10000))); // every X: a value 10,000 arrays deep
  writeFileSync(file, events.join('\n') + '\n');

  for (const args of [['cat'], ['cat', '--wide'], ['cat', '--json'], ['filter', '--pretty'], ['filter'], ['tail', '-n', '20'], ['stats'], ['stats', '--json'], ['transcript'], ['transcript', '--json'], ['transcript', '--markdown'], ['check']]) {
    it(`rtev ${args.join(' ')} reads them all, without a crash`, async () => {
      const r = await rtev([...args, file]);
      expect(r.stderr).not.toMatch(/call stack|internal error/);
      expect(r.code).toBe(args[0] === 'check' ? 1 : 0);
      if (args[0] === 'cat' && args.length === 1) {
        const lines = r.stdout.trimEnd().split('\n');
        expect(lines).toHaveLength(events.length);
        expect(lines[0]).toMatch(/x\.deep +\{"type":"x\.deep","v":\[\[\[\[.*…$/);
      }
    });
  }
});
