/** The worker thread of --jobs: reads the files it is sent, one at a time, and posts their results back. */
import { parentPort } from 'node:worker_threads';
import { useSyncReads } from '../sources/input.js';
import { readOne, type OneTask } from './read-one.js';

useSyncReads(true);

// A batch of small files answers in one message: each message costs a wake-up of the main thread.
parentPort!.on('message', async (m: { id: number; batch: OneTask[] }) => {
  try {
    const results = [];
    for (const t of m.batch) results.push(await readOne(t));
    parentPort!.postMessage({ id: m.id, results });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
