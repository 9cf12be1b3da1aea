// npm run bench -- --only report: rtev report on the audio-heavy capture against rtev stats (target: ≤ 2× its
// time and ≤ 30 MB with --no-audio), and the time its page takes to become interactive in headless Chromium
// (target: ≤ 5 s): from navigation to the page's own "ready" mark, after its script drew every part.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function chromiumPath() {
  if (process.env.RTEV_CHROMIUM) return process.env.RTEV_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  throw new Error('bench: no Chromium (apt-get install chromium, or set RTEV_CHROMIUM)');
}

/**
 * How long the page takes to become interactive, best of `runs` (a fresh page each time): `page`, measured in the
 * page from the navigation's start to the first frame after its script drew every part (its `rtev-interactive`
 * mark); `seen`, from Playwright's goto to its seeing `html[data-ready]` (adds Playwright's own polling).
 */
export async function interactiveMs(file, runs = 3) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'rtev-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(), headless: true, viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const best = { page: Infinity, seen: Infinity };
  try {
    for (let i = 0; i < runs; i++) {
      const page = await ctx.newPage();
      const t = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit', timeout: 120_000 });
      await page.waitForSelector('html[data-ready="1"]', { timeout: 120_000 });
      best.seen = Math.min(best.seen, performance.now() - t);
      await page.waitForFunction(() => performance.getEntriesByName('rtev-interactive').length > 0);
      best.page = Math.min(best.page, await page.evaluate(() => performance.getEntriesByName('rtev-interactive')[0].startTime));
      await page.close();
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return best;
}

/** The report rows: `time(cmd, runs)` is run.mjs's timer; `capture` the audio-heavy capture. */
export async function reportBench({ rtev, capture, bytes, data, time, label }) {
  const page = join(data, 'report-bench.html');
  const withAudio = join(data, 'report-bench-audio.html');
  const q = (s) => `'${s}'`;
  const cmds = [
    ['rtev stats', `${rtev} stats ${q(capture)} > /dev/null`, null],
    ['rtev report --no-audio', `${rtev} report ${q(capture)} --no-audio --force -o ${q(page)} 2> /dev/null`, page],
    ['rtev report (audio, --max-audio-mb 50)', `${rtev} report ${q(capture)} --force -o ${q(withAudio)} 2> /dev/null`, withAudio],
  ];
  // Round-robin, best of three: the load on a shared machine drifts, and each command should see the same.
  const results = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, cmd] of cmds) {
      const r = time(cmd, 1);
      const best = results[name];
      results[name] = best ? { secs: Math.min(best.secs, r.secs), rssMB: Math.max(best.rssMB, r.rssMB) } : r;
    }
  }
  const stats = results['rtev stats'];
  const rows = [];
  for (const [name, , out] of cmds) {
    const r = results[name];
    const size = out ? `, page ${(statSync(out).size / 1e6).toFixed(1)} MB` : '';
    rows.push(`| ${label} | ${name} | ${r.secs.toFixed(2)} s | ${(bytes / 1e6 / r.secs).toFixed(0)} MB/s | ${(r.secs / stats.secs).toFixed(2)}× stats${size} | ${r.rssMB.toFixed(0)} MB |`);
  }
  for (const [name, file] of [['--no-audio page', page], ['page with audio', withAudio]]) {
    const ms = await interactiveMs(file);
    rows.push(`| ${label}: page in headless Chromium | ${name} (${(statSync(file).size / 1e6).toFixed(1)} MB): navigation → interactive | ${(ms.page / 1000).toFixed(2)} s in the page (${(ms.seen / 1000).toFixed(2)} s until Playwright saw it) | | | |`);
  }
  return rows;
}
