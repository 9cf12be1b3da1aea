/**
 * A small pool of worker threads with a dynamic queue: each worker takes the next file when it is free, and
 * the results are handed over strictly in source order. A worker takes no new file while too many finished
 * results wait for an earlier one, so memory stays bounded whatever the number of files.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OneResult, OneTask } from './read-one.js';

/** Results that may wait for an earlier file, per worker, before the workers pause. */
const AHEAD_PER_WORKER = 4;

/**
 * Whether worker threads can be made here: not in the single executable (its one bundled file has no worker
 * file beside it), and not when RTEV_JOBS_IN_THREAD=1 asks to read in the main thread (tests use it).
 */
export function workersAvailable(env: NodeJS.ProcessEnv): boolean {
  if (env.RTEV_JOBS_IN_THREAD === '1') return false;
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea?: () => boolean };
    if (sea.isSea?.()) return false;
  } catch {
    // No node:sea module (an older Node): not a single executable.
  }
  return true;
}

/**
 * Starts `jobs` workers, or null when there is no worker file beside this one (the sources run by a test
 * runner, a bundle) or the Worker constructor fails: then the caller reads in-thread.
 */
export function startWorkers(jobs: number): Worker[] | null {
  const file = new URL('./worker.js', import.meta.url);
  if (file.protocol !== 'file:' || !existsSync(fileURLToPath(file))) return null;
  const workers: Worker[] = [];
  try {
    for (let k = 0; k < jobs; k++) workers.push(new Worker(file));
  } catch {
    for (const w of workers) void w.terminate();
    return null;
  }
  return workers;
}

/**
 * Runs every task on the workers and hands each result to `deliver` in task order; `deliver` returns false
 * to stop (stdout closed). The workers are ended before this returns. A worker's failure is thrown.
 */
export async function runInOrder(workers: Worker[], tasks: OneTask[], deliver: (r: OneResult) => Promise<boolean>): Promise<void> {
  const done = new Map<number, OneResult>();
  const idle = [...workers];
  const ahead = workers.length * (1 + AHEAD_PER_WORKER);
  let next = 0;
  let delivered = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const pump = () => {
    while (idle.length && next < tasks.length && next - delivered < ahead) {
      const id = next++;
      idle.pop()!.postMessage({ id, task: tasks[id] });
    }
  };
  for (const w of workers) {
    w.on('message', (m: { id: number; result?: OneResult; error?: string }) => {
      if (m.error !== undefined) failure ??= new Error(`rtev: a worker thread failed on ${tasks[m.id]!.file}: ${m.error}`);
      else done.set(m.id, m.result!);
      idle.push(w);
      pump();
      poke();
    });
    w.on('error', (e) => {
      failure ??= e;
      poke();
    });
  }
  try {
    pump();
    while (delivered < tasks.length) {
      while (!done.has(delivered) && !failure) await new Promise<void>((r) => { wake = r; });
      if (failure) throw failure;
      const r = done.get(delivered)!;
      done.delete(delivered);
      delivered++;
      pump();
      if (!(await deliver(r))) break;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
