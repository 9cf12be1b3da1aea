import { closeSync, openSync, writeSync } from 'node:fs';
import { wavHeader } from './wav.js';

/**
 * A mono 16-bit WAV file written as audio streams in: the header is written first with a zero size and
 * patched on close, so nothing is held in memory.
 */
export class WavFile {
  private fd: number;
  bytes = 0;

  constructor(readonly path: string, readonly sampleRate: number) {
    this.fd = openSync(path, 'w', 0o644);
    writeSync(this.fd, wavHeader(sampleRate, 0));
  }

  /** Little-endian 16-bit samples. */
  write(pcm: Buffer): void {
    for (let off = 0; off < pcm.length;) off += writeSync(this.fd, pcm, off, pcm.length - off, 44 + this.bytes + off);
    this.bytes += pcm.length;
  }

  /** Silence, up to the given length in samples. */
  padTo(samples: number): void {
    let missing = samples * 2 - this.bytes;
    const zero = Buffer.alloc(Math.min(Math.max(missing, 0), 1 << 20));
    while (missing > 0) {
      const n = Math.min(missing, zero.length);
      this.write(zero.subarray(0, n));
      missing -= n;
    }
  }

  get samples(): number {
    return this.bytes / 2;
  }

  get seconds(): number {
    return this.samples / this.sampleRate;
  }

  close(): void {
    writeSync(this.fd, wavHeader(this.sampleRate, this.bytes), 0, 44, 0);
    closeSync(this.fd);
  }
}
