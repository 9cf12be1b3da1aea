/**
 * Snappy compression of a row group's pages, off the main thread when it can be: while a worker compresses one
 * row group, the main thread reads and lays out the next (on two free cores, compression costs no wall time). In
 * the single executable, which cannot start a worker from a file, pages are compressed in place.
 *
 * Pages travel in buffers that go to the worker and come back: fresh memory for every page cost more (in page
 * faults) than copying the pages into it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

export interface Compressor {
  /** A buffer of at least `n` bytes to lay a page out in; it belongs to the compressor once given to compress(). */
  buffer(n: number): Uint8Array;
  /** Compressed copies of the pages, in the order given; jobs complete in the order submitted. */
  compress(pages: Uint8Array[]): Promise<Uint8Array[]>;
  /** Wait until at most `max` jobs are in flight (so memory stays bounded however fast frames come). */
  wait(max: number): Promise<void>;
  close(): Promise<void>;
}

/** Buffers kept for reuse, by size class (powers of two from 64 KiB). */
class Pool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private kept = 0;

  take(n: number): Uint8Array {
    const size = Math.max(1 << 16, 2 ** Math.ceil(Math.log2(n)));
    const b = this.free.get(size)?.pop();
    if (b) this.kept -= size;
    return new Uint8Array(b ?? Buffer.allocUnsafeSlow(size).buffer, 0, n);
  }

  give(b: ArrayBuffer): void {
    const size = b.byteLength;
    if (this.kept + size > 64 << 20 || (size & (size - 1)) !== 0) return; // at most 64 MiB kept
    this.kept += size;
    const list = this.free.get(size);
    if (list) list.push(b);
    else this.free.set(size, [b]);
  }
}

/** Compress on the main thread. */
export function inlineCompressor(): Compressor {
  const pool = new Pool();
  return {
    buffer: (n) => pool.take(n),
    compress: async (pages) => {
      const out = pages.map((p) => snappyCompress(p));
      for (const p of pages) pool.give(p.buffer as ArrayBuffer);
      return out;
    },
    wait: async () => {},
    close: async () => {},
  };
}

type Transfer = [ArrayBuffer, number, number][];

class WorkerCompressor implements Compressor {
  private readonly worker: Worker;
  private readonly pool = new Pool();
  private next = 0;
  private readonly jobs = new Map<number, { resolve: (v: Uint8Array[]) => void; reject: (e: Error) => void; done: Promise<unknown> }>();

  constructor(file: string) {
    this.worker = new Worker(file);
    this.worker.unref();
    this.worker.on('message', (m: { id: number; packed: Transfer; raw: ArrayBuffer[] }) => {
      for (const b of m.raw) this.pool.give(b);
      const job = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      job?.resolve(m.packed.map(([b, at, n]) => new Uint8Array(b, at, n)));
    });
    this.worker.on('error', (e) => {
      for (const job of this.jobs.values()) job.reject(e);
      this.jobs.clear();
    });
  }

  buffer(n: number): Uint8Array {
    return this.pool.take(n);
  }

  compress(pages: Uint8Array[]): Promise<Uint8Array[]> {
    const id = this.next++;
    let resolve!: (v: Uint8Array[]) => void;
    let reject!: (e: Error) => void;
    const p = new Promise<Uint8Array[]>((res, rej) => ((resolve = res), (reject = rej)));
    this.jobs.set(id, { resolve, reject, done: p.catch(() => {}) });
    const transfer = [...new Set(pages.map((x) => x.buffer as ArrayBuffer))];
    this.worker.postMessage({ id, pages: pages.map((x) => [x.buffer, x.byteOffset, x.length]) }, transfer);
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

/** The compressor for a run's full row groups: a worker thread when its script is there (not in the single executable). */
export function makeCompressor(): Compressor {
  const file = fileURLToPath(new URL('./compress-worker.js', import.meta.url));
  return existsSync(file) ? new WorkerCompressor(file) : inlineCompressor();
}
