/**
 * The three ways `rtev audio` writes what it finds: a file per piece (each response or answer), one joined
 * file on a time line, or the conversation in stereo. Each takes chunks as they stream in and gives back the
 * files it wrote. Chunk times are ms from the capture's first timestamp (NaN without timestamps).
 */
import { join } from 'node:path';
import type { Chunk } from './chunks.js';
import { monoPcm, monoSamples, resampleTo } from './decode.js';
import { JoinedLine, SLACK_MS } from './joined.js';
import { ASSISTANT, ConversationMix, USER } from './mix.js';
import { StereoWavFile } from './stereo-file.js';
import { OpenFiles, WavFile } from './wav-file.js';

export interface OutputOptions {
  folder: string;
  overwrite: boolean;
  /** The most bytes one file may hold. */
  maxBytes: number;
}

/** A file written, for the listing; `dropped` seconds were left out for the size cap, from `droppedAt` s. */
export interface Written {
  path: string;
  seconds: number;
  rate: number;
  dropped: number;
  droppedAt: number | null;
}

export interface AudioOutput {
  add(c: Chunk, raw: Buffer, atMs: number, where: () => string): void;
  /** The turn model's verdict on a response: heard less than generated (ms). */
  heard?(responseId: string, heardMs: number): void;
  /** A truncation of an assistant item (`audio_end_ms`), for the conversation as heard. */
  truncate?(itemId: string, audioEndMs: number): void;
  close(): Written[];
}

const chunkMs = (c: Chunk, raw: Buffer) => (raw.length / c.channels / c.format.bytesPerSecond) * 1000;

function written(w: WavFile): Written {
  return { path: w.path, seconds: w.seconds, rate: w.sampleRate, dropped: w.dropped / 2 / w.sampleRate, droppedAt: w.droppedAt === null ? null : w.droppedAt / w.sampleRate };
}

/**
 * A file per piece: `<n>_<response id>.wav` (Realtime), `<n>_answer.wav` (GPT-Live), `translation.wav` (one
 * stream), or `input.wav` for the user's audio. Pieces may interleave; at most a few files are open at once.
 */
export class PieceFiles implements AudioOutput {
  private readonly files = new Map<string, WavFile>();
  private readonly open = new OpenFiles(16);

  constructor(private readonly o: OutputOptions) {}

  add(c: Chunk, raw: Buffer): void {
    const key = c.side === 'user' ? '\u0000input' : c.piece ?? (c.protocol === 'realtime' ? 'unknown' : '\u0000stream');
    let w = this.files.get(key);
    if (!w) {
      const name = c.side === 'user' ? 'input.wav' : c.piece === null && c.protocol !== 'realtime' ? `${c.protocol}.wav`
        : `${this.files.size + 1}_${(c.protocol === 'live' ? 'answer' : key).replace(/[^A-Za-z0-9_-]/g, '_')}.wav`;
      w = new WavFile(join(this.o.folder, name), c.format.sampleRate, { overwrite: this.o.overwrite, maxBytes: this.o.maxBytes, files: this.open });
      this.files.set(key, w);
    }
    w.write(monoPcm(raw, c.format, c.channels, w.sampleRate));
  }

  heard(responseId: string, heardMs: number): void {
    const w = this.files.get(responseId);
    w?.truncate(Math.round((heardMs / 1000) * w.sampleRate));
  }

  close(): Written[] {
    const all = [...this.files.values()];
    for (const w of all) w.close();
    return all.map(written);
  }
}

/** One mono file on the capture's time line: `session.wav` (the assistant) or `input.wav` (the user). */
export class JoinedFile implements AudioOutput {
  private line: JoinedLine | null = null;
  /** Where each response went, for --heard (bounded: a cut names a recent response). */
  private readonly regions = new Map<string, { start: number; end: number }>();

  constructor(private readonly o: OutputOptions, private readonly name: string) {}

  get gaps(): JoinedLine | null {
    return this.line;
  }

  add(c: Chunk, raw: Buffer, atMs: number, where: () => string): void {
    this.line ??= new JoinedLine(new WavFile(join(this.o.folder, this.name), c.format.sampleRate, { overwrite: this.o.overwrite, maxBytes: this.o.maxBytes }));
    const file = this.line.file;
    // The user's chunk was spoken before it was sent: it ends when it arrived.
    const due = c.side === 'user' ? atMs - chunkMs(c, raw) : atMs;
    const piece = c.side === 'user' ? null : c.piece;
    const start = this.line.place(due, piece, where);
    file.write(monoPcm(raw, c.format, c.channels, file.sampleRate));
    if (piece === null) return;
    let r = this.regions.get(piece);
    if (!r) {
      if (this.regions.size >= 1024) this.regions.delete(this.regions.keys().next().value!);
      r = { start, end: start };
      this.regions.set(piece, r);
    }
    r.end = file.end;
  }

  heard(responseId: string, heardMs: number): void {
    const r = this.regions.get(responseId);
    if (!r || !this.line) return;
    this.line.file.silence(r.start + Math.round((heardMs / 1000) * this.line.file.sampleRate), r.end);
  }

  close(): Written[] {
    if (!this.line) return [];
    this.line.file.close();
    return [written(this.line.file)];
  }
}

/**
 * The conversation as the user heard it, in stereo (`conversation.wav`): the user on the left, the assistant on
 * the right, each at its real time, placed by `ConversationMix` exactly as `rtev report` places its track.
 */
export class StereoFile implements AudioOutput {
  private mix: ConversationMix | null = null;
  file: StereoWavFile | null = null;
  /** A continuous stream of the assistant (Translation): the stretch it is in. */
  private stretch = 0;

  constructor(private readonly o: OutputOptions) {}

  add(c: Chunk, raw: Buffer, atMs: number): void {
    // A Realtime delta that names no response cannot be placed (the report leaves it out too).
    if (c.side === 'assistant' && c.piece === null && c.protocol === 'realtime') return;
    if (!this.mix) {
      this.file = new StereoWavFile(join(this.o.folder, 'conversation.wav'), c.format.sampleRate, { overwrite: this.o.overwrite, maxBytes: this.o.maxBytes });
      this.mix = new ConversationMix(c.format.sampleRate, this.file);
    }
    const mix = this.mix;
    let piece = c.piece;
    if (c.side === 'assistant' && piece === null) {
      // A pause longer than SLACK_MS in a stream: the next audio plays at its time.
      const end = this.stretch ? mix.nextAt(`stretch ${this.stretch}`, atMs, 0) : -Infinity;
      if (!this.stretch || (Number.isFinite(atMs) && (atMs * mix.rate) / 1000 - end > (SLACK_MS / 1000) * mix.rate)) this.stretch++;
      piece = `stretch ${this.stretch}`;
    }
    const rid = c.side === 'user' ? null : piece;
    const n = Math.round((raw.length / c.channels / c.format.bytesPerSecond) * mix.rate);
    // Past the cap, or cut: counted, never decoded (as the report does); what the cap refuses is said.
    const at = mix.nextAt(rid, atMs, n);
    const past = at >= this.file!.maxFrames;
    if (past && at !== Infinity) this.file!.leftOut(rid === null ? USER : ASSISTANT, at, n);
    const samples = past ? n : resampleTo(monoSamples(raw, c.format, c.channels), c.format.sampleRate, mix.rate);
    if (rid === null) mix.userAudio(samples, atMs);
    else mix.assistantAudio(rid, c.item, samples, atMs);
  }

  truncate(itemId: string, audioEndMs: number): void {
    this.mix?.truncate(itemId, audioEndMs);
  }

  close(): Written[] {
    const f = this.file;
    if (!f) return [];
    f.close();
    const dropped = Math.max(f.dropped[0], f.dropped[1]);
    return [{ path: f.path, seconds: f.seconds, rate: f.rate, dropped: dropped / f.rate, droppedAt: f.firstDropped === null ? null : f.firstDropped / f.rate }];
  }
}
