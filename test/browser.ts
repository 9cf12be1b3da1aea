// A real headless Chromium for the report's tests: Debian's `chromium` (or $RTEV_CHROMIUM), driven through
// playwright-core. Each launch gets a fresh profile folder; the flags keep the browser from reaching out (we
// run as root in CI, hence --no-sandbox).
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio',
];

/** The browser to drive: $RTEV_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on the PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.RTEV_CHROMIUM) return env.RTEV_CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      const p = join(dir, name);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: apt-get install chromium (or set RTEV_CHROMIUM to a Chromium or Chrome binary)');
  const profile = mkdtempSync(join(tmpdir(), 'rtev-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: CHROMIUM_FLAGS, ignoreDefaultArgs: ['--enable-automation'],
    colorScheme: o.colorScheme ?? 'light', viewport: { width: o.width ?? 1400, height: o.height ?? 1000 },
    serviceWorkers: 'block', acceptDownloads: false,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
