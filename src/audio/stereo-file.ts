import { closeSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import type { Channel, StereoSink } from './mix.js';
import { stereoWavHeader } from './mix.js';
import { createFile, writeAll } from './wav-file.js';

/** Frames read and written back per step: bounded memory whatever a piece's length. */
const STEP = 1 << 16;

/**
 * The conversation's stereo track written to a file as it is placed: the same track as `StereoTrack` (at most
 * `maxFrames` long, what falls beyond counted and never kept), without holding it in memory. A channel's
 * samples are set by reading their frames back and writing them with the other channel as it was; frames
 * never written read as silence.
 */
export class StereoWavFile implements StereoSink {
  private fd: number | null;
  /** Frames up to the last one written. */
  length = 0;
  readonly dropped: [number, number] = [0, 0];
  firstDropped: number | null = null;
  readonly maxFrames: number;
  private readonly buf = Buffer.alloc(STEP * 4);

  constructor(readonly path: string, readonly rate: number, o: { overwrite: boolean; maxBytes: number }) {
    this.maxFrames = Math.max(0, Math.floor((o.maxBytes - 44) / 4));
    this.fd = createFile(path, o.overwrite);
    writeSync(this.fd, stereoWavHeader(rate, 0), 0, 44, 0);
  }

  write(ch: Channel, at: number, samples: Int16Array): void {
    const keep = Math.max(0, Math.min(samples.length, this.maxFrames - at));
    this.leftOut(ch, at, samples.length - keep);
    for (let i = 0; i < keep; i += STEP) this.update(ch, at + i, Math.min(STEP, keep - i), samples, i);
    if (at + keep > this.length) this.length = at + keep;
  }

  /** `n` frames due at `at` that were never decoded because they lie past the cap: counted as left out. */
  leftOut(ch: Channel, at: number, n: number): void {
    if (n <= 0) return;
    this.dropped[ch] += n;
    const first = Math.max(at, this.maxFrames);
    if (this.firstDropped === null || first < this.firstDropped) this.firstDropped = first;
  }

  silence(ch: Channel, from: number, to: number): void {
    const end = Math.min(to, this.length);
    for (let p = Math.max(0, from); p < end; p += STEP) this.update(ch, p, Math.min(STEP, end - p), null, 0);
  }

  /** Frames [at, at + n) of channel `ch` set to samples[off…] (null: zero), the other channel kept. */
  private update(ch: Channel, at: number, n: number, samples: Int16Array | null, off: number): void {
    const fd = this.fd!;
    const bytes = n * 4;
    const pos = 44 + at * 4;
    // What is in the file already (past its end: nothing yet, so silence).
    const have = at < this.length ? readSync(fd, this.buf, 0, Math.min(bytes, (this.length - at) * 4), pos) : 0;
    this.buf.fill(0, have, bytes);
    for (let i = 0; i < n; i++) this.buf.writeInt16LE(samples ? samples[off + i]! : 0, i * 4 + ch * 2);
    writeAll(fd, this.buf, 0, bytes, pos);
  }

  get seconds(): number {
    return this.length / this.rate;
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      ftruncateSync(fd, 44 + this.length * 4);
      writeSync(fd, stereoWavHeader(this.rate, this.length * 4), 0, 44, 0);
    } finally {
      closeSync(fd);
    }
  }
}
