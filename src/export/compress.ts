/**
 * Snappy compression of a row group's pages, off the main thread when it can be: while a worker compresses one
 * row group, the main thread reads and lays out the next (on two free cores, compression costs no wall time). In the
 * single executable, which cannot start a worker from a file, pages are compressed in place.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

export interface Compressor {
  /** Compressed copies of the pages, in the order given; jobs complete in the order submitted. */
  compress(pages: Uint8Array[]): Promise<Uint8Array[]>;
  /** Wait until at most `max` jobs are in flight (so memory stays bounded however fast frames come). */
  wait(max: number): Promise<void>;
  close(): Promise<void>;
}

/** Compress on the main thread. */
export const INLINE: Compressor = {
  compress: async (pages) => pages.map((p) => snappyCompress(p)),
  wait: async () => {},
  close: async () => {},
};

interface Reply { id: number; bufs: [ArrayBuffer, number, number][] }

class WorkerCompressor implements Compressor {
  private readonly worker: Worker;
  private next = 0;
  private readonly jobs = new Map<number, { resolve: (v: Uint8Array[]) => void; reject: (e: Error) => void; done: Promise<unknown> }>();

  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      const job = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      job?.resolve(m.bufs.map(([b, at, n]) => new Uint8Array(b, at, n)));
    });
    this.worker.on('error', (e) => {
      for (const job of this.jobs.values()) job.reject(e);
      this.jobs.clear();
    });
  }

  compress(pages: Uint8Array[]): Promise<Uint8Array[]> {
    const id = this.next++;
    // The pages are copies made for this job: their memory moves to the worker instead of being copied again.
    const bufs = pages.map((p) => p.buffer as ArrayBuffer);
    let resolve!: (v: Uint8Array[]) => void;
    let reject!: (e: Error) => void;
    const p = new Promise<Uint8Array[]>((res, rej) => ((resolve = res), (reject = rej)));
    this.jobs.set(id, { resolve, reject, done: p.catch(() => {}) });
    this.worker.postMessage({ id, bufs: pages.map((x) => [x.buffer, x.byteOffset, x.length]) }, [...new Set(bufs)]);
    return p;
  }

  async wait(max: number): Promise<void> {
    while (this.jobs.size > max) await this.jobs.values().next().value!.done;
  }

  async close(): Promise<void> {
    await this.wait(0);
    await this.worker.terminate();
  }
}

/** A compressor for a run: a worker thread when its script is there (not in the single executable). */
export function makeCompressor(): Compressor {
  const file = fileURLToPath(new URL('./compress-worker.js', import.meta.url));
  return existsSync(file) ? new WorkerCompressor(file) : INLINE;
}
