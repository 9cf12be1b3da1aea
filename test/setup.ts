import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { removeTmp, ROOT } from './helpers.js';

// Every test file's temporary folders go when it ends (a suite run used to leave thousands in /tmp).
afterAll(removeTmp);

// And no test writes into the project's own recordings/ folder (tail records there by default).
const recordings = join(ROOT, 'recordings');
const before = new Set(readdirSync(recordings));
afterAll(() => {
  expect(readdirSync(recordings).filter((f) => !before.has(f)), 'files a test left in recordings/').toEqual([]);
});
