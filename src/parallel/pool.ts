/**
 * A small pool of worker threads with a dynamic queue: each worker takes the next file (or batch of small
 * files) when it is free, and the results are handed over strictly in source order. A worker takes no new
 * batch while too many finished results wait for an earlier one, so memory stays bounded whatever the number
 * of files (at most (2 + 4) batches per worker: 6 MiB of small files, or 6 large ones).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { contentBytes } from '../sources/input.js';
import type { OneResult, OneTask } from './read-one.js';

/** Small files go in batches of up to this many files or bytes: one message each way per batch. */
const BATCH_FILES = 16;
const BATCH_BYTES = 1 << 20;

/** Tasks in batches (in order): consecutive small files together, a file of BATCH_BYTES or more on its own. */
export function batches(tasks: OneTask[]): OneTask[][] {
  const out: OneTask[][] = [];
  let cur: OneTask[] = [];
  let bytes = 0;
  for (const t of tasks) {
    const size = contentBytes(t.file);
    if (cur.length && (cur.length >= BATCH_FILES || bytes + size > BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(t);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Batches whose results may wait for an earlier one, per worker, before the workers pause. */
const AHEAD_PER_WORKER = 4;
/** Batches sent to a worker at once: the next one waits there, so a worker never waits for its next message. */
const IN_FLIGHT_PER_WORKER = 2;

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
 * Runs every batch of tasks on the workers and hands each result to `deliver` in task order; `deliver`
 * returns false to stop (stdout closed). The workers are ended before this returns. A worker's failure is thrown.
 */
export async function runInOrder(workers: Worker[], tasks: OneTask[][], deliver: (r: OneResult) => Promise<boolean>): Promise<void> {
  const done = new Map<number, OneResult[]>();
  const load = new Map(workers.map((w) => [w, 0]));
  const ahead = workers.length * (IN_FLIGHT_PER_WORKER + AHEAD_PER_WORKER);
  let next = 0;
  let delivered = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  // The least busy worker takes the next file.
  const pump = () => {
    while (next < tasks.length && next - delivered < ahead) {
      let w: Worker | null = null;
      for (const [x, n] of load) if (n < IN_FLIGHT_PER_WORKER && (w === null || n < load.get(w)!)) w = x;
      if (!w) return;
      load.set(w, load.get(w)! + 1);
      const id = next++;
      w.postMessage({ id, batch: tasks[id] });
    }
  };
  for (const w of workers) {
    w.on('message', (m: { id: number; results?: OneResult[]; error?: string }) => {
      if (m.error !== undefined) failure ??= new Error(`rtev: a worker thread failed on ${tasks[m.id]!.map((t) => t.file).join(', ')}: ${m.error}`);
      else done.set(m.id, m.results!);
      load.set(w, load.get(w)! - 1);
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
      const rs = done.get(delivered)!;
      done.delete(delivered);
      delivered++;
      pump();
      let go = true;
      for (const r of rs) if (!(go = await deliver(r))) break;
      if (!go) break;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
