/** The worker thread of --jobs: reads the files it is sent, one at a time, and posts each one's result back. */
import { parentPort } from 'node:worker_threads';
import { readOne, type OneTask } from './read-one.js';

parentPort!.on('message', async (m: { id: number; task: OneTask }) => {
  try {
    parentPort!.postMessage({ id: m.id, result: await readOne(m.task) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
