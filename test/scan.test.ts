import { describe, expect, it } from 'vitest';
import { Frame } from '../src/events/frame.js';
import { classifyLine } from '../src/pipeline/classify.js';

/** What JSON.parse says of a line: the event's delta, or that it is not valid. */
function reference(line: string): string | 'invalid' {
  try {
    return JSON.parse(line).delta;
  } catch {
    return 'invalid';
  }
}

function scanned(line: string): string | 'invalid' {
  const buf = Buffer.from(line);
  const r = classifyLine('t', 1, buf, 0, buf.length);
  return r instanceof Frame ? (r.field('delta') as string) : 'invalid';
}

describe('byte scanner', () => {
  it('agrees with JSON.parse on strings with quotes, escapes, controls and UTF-8 at every offset', () => {
    const pieces = ['\\"', '\\\\', '\\n', '\\u00e9', 'é', '☃', '𝄞', '"', '\\', '\u0001', '\t', 'x'];
    let checked = 0;
    for (let pad = 0; pad < 9; pad++) {
      for (const p of pieces) {
        for (const tail of ['', 'abc', 'abcdefgh']) {
          const body = 'a'.repeat(pad) + p + tail;
          for (const len of [0, 40, 70]) {
            const line = `{"type":"response.output_text.delta","pad":"${'y'.repeat(len)}","delta":"${body}"}`;
            expect(scanned(line), JSON.stringify(line)).toEqual(reference(line));
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(9 * pieces.length * 3 * 3);
  });

  it('rejects broken structure that JSON.parse rejects', () => {
    for (const line of ['{"type":"x",}', '{"type":"x" "a":1}', '{"type":"x","a":[1,2}', '{"type":"x","a":{"b":1]}', '{"type":"x"', '{"type":"x","a":nul', '{"type":"x"} trailing']) {
      expect(scanned(line), line).toBe('invalid');
    }
  });
});
