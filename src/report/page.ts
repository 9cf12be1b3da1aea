/**
 * The HTML page: a static shell, the data as JSON in `<script type="application/json">` elements, the audio as
 * base64 text, the style and the script. Nothing is fetched: a Content Security Policy forbids every network
 * access and lets run only this page's own script and style (by their hashes).
 */
import { createHash } from 'node:crypto';
import { client } from './client.js';
import type { ReportData } from './data.js';
import { STYLE } from './style.js';

/**
 * JSON that cannot end the `<script>` element holding it, nor open a comment: `<`, `>` and `&` as `\u003c` …,
 * and the line separators U+2028/2029 escaped too. JSON reads these escapes back as the same characters.
 */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for HTML element content or a double-quoted attribute (only our own strings go through here). */
export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Long arrays are written this many elements at a time. */
const SLICE = 8192;

/**
 * `scriptJson(v)` in pieces: objects key by key and long arrays in slices, so that a page of tens of MB is never
 * one string (nor twice one, escaped).
 */
export function* jsonPieces(v: unknown): Generator<string> {
  if (Array.isArray(v) && v.length > SLICE) {
    for (let i = 0; i < v.length; i += SLICE) {
      const part = scriptJson(v.slice(i, i + SLICE));
      yield (i === 0 ? '[' : ',') + part.slice(1, -1);
    }
    yield ']';
    return;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    yield scriptJson(v);
    return;
  }
  let first = true;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    yield `${first ? '{' : ','}${scriptJson(k)}:`;
    yield* jsonPieces(x);
    first = false;
  }
  yield first ? '{}' : '}';
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

/** The page's script: the client function, called once the document is parsed. */
export const SCRIPT = `(${client.toString()})();`;

/** The policy: nothing from anywhere, except this page's own script and style, and audio made in the page. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    `style-src 'sha256-${sha256(STYLE)}'`,
    'img-src data:',
    'media-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page, in pieces to write one after another (the audio may be tens of MB). */
export function* page(data: ReportData, events: string[], wav: Buffer | null): Generator<string> {
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${htmlText(contentSecurityPolicy())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${htmlText(data.generator)}">
<title>${htmlText(`rtev report · ${data.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<noscript><p class="noscript">This report is drawn by its own script: open it in a browser with JavaScript on. It makes no network request.</p></noscript>
<main id="report" aria-busy="true"></main>
<script type="application/json" id="rtev-data">`;
  yield* jsonPieces(data);
  yield '</script>\n<script type="application/json" id="rtev-events">';
  yield* jsonPieces(events);
  yield '</script>\n<script type="text/plain" id="rtev-audio">';
  if (wav) {
    // Base64 in slices (a multiple of 3 bytes each), so no single string holds the whole track twice.
    const step = 3 << 20;
    for (let i = 0; i < wav.length; i += step) yield wav.subarray(i, i + step).toString('base64');
  }
  yield `</script>\n<script>${SCRIPT}</script>\n</body>\n</html>\n`;
}
