/**
 * One side's audio on one mono time line (`rtev audio --join`), written as it streams in. A piece (a response,
 * an answer) starts where its first chunk arrived, or where the audio before it ends; within a continuous stream
 * (the user's audio, a translation) a chunk that comes more than SLACK_MS after the audio before it ends
 * starts a new stretch at its time, and shorter jitter is absorbed. A silence longer than MAX_GAP_MS is cut to
 * MAX_GAP_MS (a capture with a 100-year gap would otherwise ask for terabytes of zeros), and counted.
 */
import { MAX_GAP_MS } from './limits.js';
import type { WavFile } from './wav-file.js';

/** A pause in a continuous stream shorter than this is jitter, absorbed; a longer one is kept. */
export const SLACK_MS = 250;

/** The first silence cut to MAX_GAP_MS: where it was in the output and in the capture, and how long. */
export interface CutGap {
  /** Where the cut silence is in the file, s. */
  atSeconds: number;
  /** The silence the capture asked for, s. */
  seconds: number;
  /** The frame after it: `FILE:LINE`. */
  where: string;
}

export class JoinedLine {
  /** Samples taken out of the time line by cut gaps so far. */
  private shift = 0;
  private piece: string | null | undefined = undefined;
  gaps = 0;
  firstGap: CutGap | null = null;

  constructor(readonly file: WavFile) {}

  /**
   * Where a chunk goes: `dueMs` is when it starts on the capture's clock (NaN: no timestamps, so straight after
   * the audio before it); `piece` null for a continuous stream. Pads the file up to it; returns that sample.
   */
  place(dueMs: number, piece: string | null, where: () => string): number {
    const rate = this.file.sampleRate;
    const end = this.file.end;
    const fresh = this.piece === undefined || (piece !== null && piece !== this.piece);
    this.piece = piece;
    if (!Number.isFinite(dueMs)) return end;
    const due = Math.round((dueMs / 1000) * rate) - this.shift;
    if (due <= end) return end;
    // Within a piece chunks follow each other; in a stream, only a real pause is kept.
    if (!fresh && (piece !== null || due - end <= (SLACK_MS / 1000) * rate)) return end;
    let start = due;
    const max = (MAX_GAP_MS / 1000) * rate;
    if (start - end > max) {
      this.gaps++;
      this.firstGap ??= { atSeconds: end / rate, seconds: (start - end) / rate, where: where() };
      this.shift += start - end - max;
      start = end + max;
    }
    this.file.padTo(start);
    return start;
  }
}
