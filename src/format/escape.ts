import { isUtf8 } from 'node:buffer';

/**
 * Strings from a stream are shown with every control character escaped, so that a capture can never move
 * the cursor, change colours, ring the bell or rewrite the terminal title: C0 (including ESC, BEL, newline),
 * DEL, C1, and the Unicode controls that reorder or hide text (bidi overrides and isolates, marks, line and
 * paragraph separators, zero-width and BOM characters).
 */
// eslint-disable-next-line no-control-regex
const CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]';
const HAS_UNSAFE = new RegExp(CLASS);
const UNSAFE = new RegExp(CLASS, 'g');

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function escapeControls(s: string): string {
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

const UNSAFE_BUT_NEWLINE = new RegExp(CLASS.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'), 'g');

/**
 * Text of several lines (a message for stderr) with every unsafe character escaped but its line breaks: the
 * last guard of everything said on stderr, where file names, server reasons and JSON.parse snippets end up.
 * Escaping twice changes nothing, so a message escaped where it was made comes out the same.
 */
export function escapeLines(s: string): string {
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE_BUT_NEWLINE, escapeChar) : s;
}

// The same characters as UTF-8 bytes, seen through latin1 (one char per byte), plus raw C0 and DEL.
const UNSAFE_BYTES = /[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa9]|\xef\xbb\xbf/;
const UNSAFE_IN_JSON = new RegExp(CLASS.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000b-\\u001f'), 'g');

/**
 * JSON (or any line) made safe for a terminal: unsafe characters become `\uXXXX`, which JSON reads back as
 * the same string. Bytes that are not UTF-8 (a lone 0x9B is CSI to an 8-bit terminal) become U+FFFD, as any
 * JSON reader decodes them. Lines with nothing unsafe are returned as they are, without copying.
 */
export function terminalSafe(line: Buffer): Buffer | string {
  if (!UNSAFE_BYTES.test(line.toString('latin1')) && isUtf8(line)) return line;
  return line.toString('utf8').replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `JSON.stringify` whose output never carries a raw control or bidi character. */
export function safeStringify(v: unknown, space?: number): string {
  return JSON.stringify(v, null, space).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
