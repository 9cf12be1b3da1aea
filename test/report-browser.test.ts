// rtev report in a real headless Chromium: the sample's page makes no request and logs no error, shows the same
// numbers as stats and turns, plays audio of the model's lengths, and answers clicks; a hostile capture's page
// runs nothing and grows no element. The sample's screenshot: RTEV_UPDATE_DOCS=1 writes docs/report.png.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Browser } from './browser.js';
import { ROOT, rtev, tmp } from './helpers.js';
import { hostileCapture, PAYLOADS } from './report-hostile.js';

// Relative, as a user types it (vitest runs in the project's folder): the page's title shows it.
const sample = 'recordings/sample.jsonl';
let browser: Browser;
const dir = tmp();

beforeAll(async () => {
  browser = await launch();
}, 60_000);
afterAll(async () => browser?.close());

/** Opens a page and watches it: every request, console error, page error and dialog. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[]; dialogs: string[] }> {
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  const page = await browser.context.newPage();
  const url = pathToFileURL(file).href;
  // Any request that leaves the page is recorded and refused.
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort();
  });
  page.on('request', (r) => { if (r.url() !== url && !r.url().startsWith('blob:')) requests.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 20_000 });
  return { page, requests, errors, dialogs };
}

async function writeReport(src: string, name: string, extra: string[] = []): Promise<string> {
  const out = join(dir, name);
  const r = await rtev(['report', src, '-o', out, '--force', ...extra]);
  expect(r.code).toBe(0);
  return out;
}

describe('the sample report in Chromium', () => {
  let page: Page;
  let watch: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    watch = await open(await writeReport(sample, 'sample.html'));
    page = watch.page;
  }, 60_000);

  it('makes no network request and logs no error', async () => {
    await page.waitForTimeout(500);
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.dialogs).toEqual([]);
  });

  it("shows stats --json's numbers in the header", async () => {
    const stats = JSON.parse((await rtev(['stats', '--json', sample])).stdout);
    const shown = await page.$$eval('[data-stat]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-stat'), e.getAttribute('data-value')])));
    expect(shown).toEqual({
      turns: String(stats.turns.total), first_audio_p50: String(stats.latency_ms.first_audio.p50), first_audio_p90: String(stats.latency_ms.first_audio.p90),
      interrupted: String(stats.turns.interrupted), failed: String(stats.turns.failed), total_tokens: String(stats.usage.total_tokens), cost_usd: String(stats.cost_usd.total),
    });
    expect(await page.textContent('[data-stat="cost_usd"]')).toBe('$0.1067');
  });

  it('has one row per line of turns --json, with the same first-audio values', async () => {
    const turns = (await rtev(['turns', '--json', sample])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const rows = await page.$$eval('tr[data-turn]', (trs) => trs.map((tr) => [tr.getAttribute('data-turn'), tr.querySelector('[data-col="first_audio"]')!.getAttribute('data-value')]));
    expect(rows).toEqual(turns.map((t) => [String(t.turn), String(t.latency_ms.first_audio)]));
    expect(await page.textContent('tr[data-turn="3"] [data-col="first_audio"]')).toBe('1.84 s');
    expect(await page.getAttribute('tr[data-turn="3"] [data-col="first_audio"]', 'class')).toContain('hot');
  });

  it("plays audio of the model's lengths: each turn what the user heard (±50 ms), the call from its start", async () => {
    const turns = (await rtev(['turns', '--json', sample])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    await page.waitForFunction(() => [...document.querySelectorAll('audio')].every((a) => a.readyState >= 1), null, { timeout: 15_000 });
    const durations = Object.fromEntries(await page.$$eval('audio[data-audio]', (as) => as.map((a) => [a.getAttribute('data-audio'), (a as HTMLAudioElement).duration])));
    expect(Object.keys(durations)).toEqual(['session', ...turns.map((t) => `turn-${t.turn}`)]);
    for (const t of turns) expect(Math.abs(durations[`turn-${t.turn}`]! - t.audio_ms.heard / 1000)).toBeLessThan(0.05);
    // The call's track runs from the first event to the end of the last audio heard.
    const data = JSON.parse(await page.textContent('#rtev-data') as string);
    const lastHeard = Math.max(...data.turns.flatMap((t: any) => t.responses.map((r: any) => (r.audio ? r.audio.start + r.audio.heard : 0))));
    expect(Math.abs(durations.session! - lastHeard / 1000)).toBeLessThan(0.05);
  });

  it('selects a span\'s turn when it is clicked, scrolls the log to its events and seeks the call to it', async () => {
    const data = JSON.parse(await page.textContent('#rtev-data') as string);
    const resp = data.turns[2].responses[0];
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await page.click('rect[data-kind="response"][data-turn="3"]');
    expect(await page.getAttribute('tr[data-turn="3"]', 'aria-selected')).toBe('true');
    expect(await page.$$eval('tr[aria-selected="true"]', (trs) => trs.length)).toBe(1);
    const row = page.locator(`.log-view .log-row[data-seq="${resp.seq}"]`);
    await expect.poll(async () => row.count()).toBe(1);
    const [box, view] = [await row.boundingBox(), await page.locator('.log-view').boundingBox()];
    expect(box!.y).toBeGreaterThanOrEqual(view!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height);
    expect(await page.$eval('.log-view', (v) => v.scrollTop)).toBeGreaterThan(0);
    expect(await row.getAttribute('class')).toContain('in-turn');
    const t = await page.$eval('audio[data-audio="session"]', (a) => (a as HTMLAudioElement).currentTime);
    expect(Math.abs(t - resp.created / 1000)).toBeLessThan(0.05);
    // The transcript follows.
    expect(await page.getAttribute('.t-turn[data-turn="3"]', 'class')).toContain('selected');
  });

  it('shows a span\'s numbers on hover, zooms with the wheel, and sorts the table by a column', async () => {
    await page.hover('rect[data-kind="audio"][data-turn="3"]');
    await expect.poll(async () => page.textContent('.tip')).toContain('heard 2.33 s of 3.40 s generated (cut)');
    const width = async () => Number(await page.getAttribute('rect[data-kind="speech"][data-turn="2"]', 'width'));
    const before = await width();
    const b = (await page.locator('rect[data-kind="speech"][data-turn="2"]').boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.wheel(0, -400);
    await expect.poll(width).toBeGreaterThan(before * 1.5);
    await page.click('th[data-col="first_audio"]');
    await page.click('th[data-col="first_audio"]');
    expect(await page.getAttribute('th[data-col="first_audio"]', 'aria-sort')).toBe('descending');
    expect(await page.getAttribute('tbody tr:first-child', 'data-turn')).toBe('3');
  });

  it('opens an event\'s JSON with its audio elided, and filters the log by family', async () => {
    await page.selectOption('#log select[aria-label="filter by family"]', { label: 'audio' });
    const first = page.locator('.log-view .log-row').first();
    await first.click();
    const json = await page.textContent('#log pre.json');
    expect(json).toMatch(/^#\d+ response\.output_audio\.delta/);
    expect(json).toMatch(/"delta": "<\d+ bytes, [\d.]+ s of audio>"/);
    const types = await page.$$eval('.log-view .log-row .type', (ts) => [...new Set(ts.map((t) => t.textContent))].sort());
    expect(types).toEqual(['response.output_audio.delta', 'response.output_audio.done']);
    expect(await page.textContent('#log .count')).toMatch(/^\d+ of 183 rows$/);
  });

  it('takes a screenshot (docs/report.png with RTEV_UPDATE_DOCS=1)', async () => {
    const shot = await browser.context.newPage();
    await shot.setViewportSize({ width: 1360, height: 1180 });
    await shot.goto(page.url());
    await shot.waitForSelector('html[data-ready="1"]');
    await shot.click('rect[data-kind="response"][data-turn="3"]');
    await shot.evaluate(() => window.scrollTo(0, 0));
    await shot.mouse.move(0, 0);
    const file = join(dir, 'report.png');
    await shot.screenshot({ path: file });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1360);
    if (process.env.RTEV_UPDATE_DOCS) copyFileSync(file, join(ROOT, 'docs', 'report.png'));
    await shot.close();
  });
});

describe('a hostile capture in Chromium', () => {
  it('runs nothing and grows no element: every string shows as text', async () => {
    const src = join(dir, 'hostile.jsonl');
    writeFileSync(src, hostileCapture());
    const { page, requests, errors, dialogs } = await open(await writeReport(src, 'hostile.html'));
    // Click everything that shows capture data: spans, rows, log rows (their JSON).
    for (const sel of ['rect[data-kind]', 'tr[data-turn]', '.t-turn']) for (const el of await page.$$(sel)) await el.click({ force: true }).catch(() => {});
    const rows = await page.$$('.log-view .log-row');
    for (const r of rows) await r.click();
    await page.hover('rect[data-kind="response"]');
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    const found = await page.evaluate(() => ({
      pwned: (window as any).__pwned ?? null,
      scripts: document.scripts.length,
      tags: [...document.querySelectorAll('img, iframe, object, embed, a, form, link, base, meta[http-equiv="refresh"]')].map((e) => e.outerHTML),
      handlers: [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value) && a.name !== 'title').map((a) => `${e.tagName} ${a.name}`)),
      text: document.body.innerText,
    }));
    expect(found.pwned).toBeNull();
    expect(found.scripts).toBe(4);
    expect(found.tags).toEqual([]);
    expect(found.handlers).toEqual([]);
    // The strings are there, as text: in the transcript, the tool call and the JSON view.
    expect(found.text).toContain(PAYLOADS[0]);
    expect(found.text).toContain(PAYLOADS[1]);
    expect(found.text).toContain('javascript:alert(4)');
    expect(rows.length).toBeGreaterThan(10);
  });
});

describe('a GPT-Live report in Chromium', () => {
  it('shows its turns with gaps and overlaps and the two voices, with no request and no error', async () => {
    const src = join(dir, 'live.jsonl');
    execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--protocol', 'live', '--turns', '12', '--no-audio', '--out', src]);
    const w = await open(await writeReport(src, 'live.html'));
    const turns = (await rtev(['turns', '--json', src])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const rows = await w.page.$$eval('#turns tbody tr', (trs) => trs.map((tr) => [tr.querySelector('[data-col="gap"]')!.getAttribute('data-value'), tr.querySelector('[data-col="flags"]')!.textContent]));
    expect(rows).toEqual(turns.map((t) => [String(t.gap_ms), t.flags.join('')]));
    const voices = await w.page.$$eval('#transcript [data-voice]', (els) => els.map((e) => e.getAttribute('data-voice')));
    expect(voices).toEqual(Array.from({ length: 24 }, (_, i) => (i % 2 ? 'assistant' : 'user')));
    expect(w.requests).toEqual([]);
    expect(w.errors).toEqual([]);
    await w.page.close();
  }, 60_000);
});
