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
