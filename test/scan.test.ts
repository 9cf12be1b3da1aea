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

/** Whether the scanner takes the line as valid JSON (a frame), as JSON.parse would. */
function scanValid(line: string): boolean {
  const buf = Buffer.from(line);
  return classifyLine('t', 1, buf, 0, buf.length) instanceof Frame;
}
function parseValid(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

// JSON values, valid and not: literals, numbers, strings, containers, and the forms the hostile run found.
const VALID = [
  'true', 'false', 'null', '0', '-0', '1', '-1', '10', '123456789', '0.5', '-0.5', '1.25', '1e5', '1E5', '1e+5', '1e-5',
  '-1.5E-10', '0e0', '1.0e+0', '""', '"a"', '"\\u00e9"', '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"é☃𝄞"', '[]', '{}', '[1]', '[1,2]',
  '[ 1 , 2 ]', '{"k":1}', '{ "k" : 1 , "l" : [ ] }', '[[[]]]', '[{"a":[{"b":null}]}]', '{"":""}', '[true,false,null]',
  '{"a":{"b":{"c":{}}}}', '[-0.0e-0]', '"\\ud83d\\ude00"', '\t[\n1\r]',
];
const INVALID = [
  'tru', 'nan', 'NaN', 'Infinity', '-Infinity', 'undefined', 'True', 'nul', 'nulll', 'falsey', 'truefalse', '1.2.3', '--', '--1',
  '-', '01', '00', '-01', '1.', '.5', '+1', '1e', '1e+', '1.e5', '0x10', '1_000', '[1,,2]', '[,1]', '[1,]', '{"k"}', '{1:2}',
  '{"k":}', '{"k" 1}', '{"k":1,}', '{,}', '{"k":1 "l":2}', '[1 2]', '[1:2]', '{"k",1}', "'s'", '"\\x41"', '"\\u12"',
  '"\\u12G4"', '"\\a"', '"\t"', '"\u0001"', '"\u001f"', '[1}', '{"a":1]', '[', '{', '"', '[[]', 'abc', '1 2', '[true false]',
  '{"a":{"b":1}', '{"a":[1,2}', '[null,]', '{"k":tru}', '[1,2.]', '[-]', '{"k":"v",,"l":1}', '{::}', '{"k"::1}',
];

describe('byte scanner', () => {
  it('agrees with JSON.parse on strings with quotes, escapes, controls and UTF-8 at every offset', () => {
    const pieces = ['\\"', '\\\\', '\\n', '\\u00e9', 'é', '☃', '𝄞', '"', '\\', '\u0001', '\t', 'x', '\\x', '\\u00G0', '\u001f'];
    let checked = 0;
    for (let pad = 0; pad < 9; pad++) {
      for (const p of pieces) {
        for (const tail of ['', 'abc', 'abcdefgh']) {
          const body = 'a'.repeat(pad) + p + tail;
          // 0 and 40: short strings; 70 and 200: the long-string path, with the piece before and after byte 64.
          for (const len of [0, 40, 70, 200]) {
            for (const line of [
              `{"type":"response.output_text.delta","pad":"${'y'.repeat(len)}","delta":"${body}"}`,
              `{"type":"response.output_text.delta","delta":"${'z'.repeat(len)}${body}${'w'.repeat(len)}"}`,
            ]) {
              expect(scanned(line), JSON.stringify(line)).toEqual(reference(line));
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(9 * pieces.length * 3 * 4 * 2);
  });

  it('rejects broken structure that JSON.parse rejects', () => {
    for (const line of ['{"type":"x",}', '{"type":"x" "a":1}', '{"type":"x","a":[1,2}', '{"type":"x","a":{"b":1]}', '{"type":"x"', '{"type":"x","a":nul', '{"type":"x"} trailing']) {
      expect(scanned(line), line).toBe('invalid');
    }
  });

  it('agrees with JSON.parse on a grammar corpus, at the top level, nested, and at every alignment', () => {
    let checked = 0;
    for (const v of [...VALID, ...INVALID]) {
      for (let pad = 0; pad < 5; pad++) {
        const p = ' '.repeat(pad);
        for (const line of [
          `{"type":"x",${p}"v":${v}}`,
          `{"type":"x","v":[${v}]}`,
          `{"type":"x","v":[0,${p}${v}]}`,
          `{"type":"x","v":{"k":${v}}}`,
          `{"type":"x","v":{"a":[{"k":${v}${p}}]},"w":1}`,
          `{"v":${v},"type":"x"}`,
          `{"ts":"2026-01-01T00:00:00Z","dir":"server","event":{"type":"x","v":${v}}}`,
        ]) {
          expect(scanValid(line), line).toBe(parseValid(line));
          checked++;
        }
      }
    }
    expect(checked).toBe((VALID.length + INVALID.length) * 5 * 7);
    // The corpus holds both kinds, as intended.
    for (const v of VALID) expect(parseValid(`[${v}]`), v).toBe(true);
    for (const v of INVALID) expect(parseValid(`{"v":${v}}`), v).toBe(false);
  });

  it('finds the type under an escaped key, as JSON.parse does', () => {
    const buf = Buffer.from('{"typ\\u0065":"response.done","\\u0072esponse":{}}');
    const f = classifyLine('t', 1, buf, 0, buf.length);
    expect(f).toBeInstanceOf(Frame);
    expect((f as Frame).type).toBe('response.done');
  });

  it('crosses 100,000 levels of nesting without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(scanValid(`{"type":"x","v":${deep}}`)).toBe(true);
    expect(scanValid(`{"type":"x","v":${deep.slice(0, -1)}}`)).toBe(false);
  });
});
