import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alawToLinear, pcmBytes, resample, ulawToLinear } from '../audio/wav.js';
import { WavFile } from '../audio/wav-file.js';
import type { Frame } from '../events/frame.js';
import { escapeControls } from '../format/escape.js';
import { seconds } from '../format/summary.js';
import { AudioFormats, type AudioFormat } from '../pipeline/audio-format.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { EXIT, type Ctx } from './context.js';
import { visitFrames } from './frames.js';

export interface AudioOptions extends FilterSpec {
  output: string;
  join?: boolean;
  input?: boolean;
  strict?: boolean;
}

/** One delta's audio as 16-bit PCM at the format's own rate: PCM as is, G.711 decoded. */
function decode(b64: string, fmt: AudioFormat): Buffer {
  const raw = Buffer.from(b64, 'base64');
  if (fmt.name === 'pcm16') return raw.length % 2 ? raw.subarray(0, raw.length - 1) : raw;
  const dec = fmt.name === 'pcmu' ? ulawToLinear : alawToLinear;
  const out = Buffer.alloc(raw.length * 2);
  for (let i = 0; i < raw.length; i++) out.writeInt16LE(dec(raw[i]!), i * 2);
  return out;
}

/** PCM at `from` Hz made into `to` Hz (only when one joined file holds responses of different formats). */
function convert(pcm: Buffer, from: number, to: number): Buffer {
  if (from === to) return pcm;
  const samples = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length));
  return pcmBytes(resample({ sampleRate: from, samples }, to).samples);
}

/**
 * Make the output folder and its missing parents, one level at a time: Node's recursive mkdir loops forever
 * where a parent cannot be made (/proc/nope/x). The reason it cannot be used, or null.
 */
function makeFolder(path: string): { usage: boolean; message: string } | null {
  try {
    if (statSync(path).isDirectory()) return null;
    return { usage: true, message: `-o ${path}: exists and is not a folder; audio writes its WAV files into a folder` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { usage: false, message: `-o ${path}: ${(e as Error).message}` };
  }
  const parent = dirname(path);
  if (parent !== path) {
    const bad = makeFolder(parent);
    if (bad) return bad;
  }
  try {
    mkdirSync(path);
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { usage: false, message: `-o ${path}: cannot make the folder: ${err.code === 'ENOENT' ? 'its parent cannot hold folders' : err.message}` };
  }
}

/**
 * `rtev audio`: the assistant's audio rebuilt from output audio deltas, one WAV per response (or one for the
 * session with --join, silence where time passed), or the user's audio from client appends with --input.
 * Streams: each delta is decoded and written as it is read.
 */
export async function runAudio(sources: string[], o: AudioOptions, ctx: Ctx): Promise<number> {
  const bad = makeFolder(o.output);
  if (bad) {
    ctx.say(`rtev: ${bad.message}`);
    return bad.usage ? EXIT.usage : EXIT.failure;
  }
  const formats = new AudioFormats();
  const files = new Map<string, WavFile>();
  let joined: WavFile | null = null;
  let t0 = NaN;
  let lastKey = '';
  const wanted = o.input ? 'input_audio_buffer.append' : 'response.output_audio.delta';
  const keep = compileFilter(o);
  const unknown = new Set<string>();

  const fileFor = (f: Frame, fmt: AudioFormat): WavFile => {
    if (o.join) {
      const name = o.input ? 'input.wav' : 'session.wav';
      joined ??= new WavFile(join(o.output, name), fmt.sampleRate);
      return joined;
    }
    const key = o.input ? 'input' : f.field('response_id') ?? 'unknown';
    let w = files.get(key);
    if (!w) {
      w = new WavFile(join(o.output, o.input ? 'input.wav' : `${files.size + 1}_${key.replace(/[^A-Za-z0-9_-]/g, '_')}.wav`), fmt.sampleRate);
      files.set(key, w);
    }
    return w;
  };

  const run = await visitFrames(sources, ctx, o, (f) => {
    // The session's formats and the start of time hold whatever the filter keeps.
    formats.observe(f);
    const t = f.time;
    if (Number.isNaN(t0) && !Number.isNaN(t)) t0 = t;
    if (!keep(f)) return;
    if (f.tag.variant.type !== wanted || f.direction !== (o.input ? 'client' : 'server')) return;
    const fmt = o.input ? formats.input : formats.of(f);
    if (fmt.name === 'unknown') {
      // Never guess at bytes rtev cannot decode: say so once per format and leave them out.
      if (!unknown.has(fmt.label)) ctx.say(`rtev: audio in an unknown format (${escapeControls(fmt.label)}) left out`);
      unknown.add(fmt.label);
      return;
    }
    const b64 = o.input ? f.tryJson()?.audio : f.field('delta');
    if (typeof b64 !== 'string') return;
    const w = fileFor(f, fmt);
    // Joined: each response starts where its first delta arrived, or where the audio before it ended.
    const key = f.field('response_id') ?? '';
    if (o.join && !Number.isNaN(t) && key !== lastKey) w.padTo(Math.round(((t - t0) / 1000) * w.sampleRate));
    lastKey = key;
    w.write(convert(decode(b64, fmt), fmt.sampleRate, w.sampleRate));
  });

  const written = joined ? [joined as WavFile] : [...files.values()];
  for (const w of written) w.close();
  if (written.length === 0) {
    const what = o.input ? 'no input_audio_buffer.append frames from the client' : 'no output audio deltas';
    ctx.say(`rtev: ${what} in ${sources.join(', ') || 'stdin'}${o.input ? '' : ' (WebRTC and SIP sessions carry audio over RTP, not in events)'}`);
    return run.code || EXIT.failure;
  }
  const width = Math.max(...written.map((w) => w.path.length));
  let total = 0;
  for (const w of written) {
    total += w.seconds;
    ctx.out.write(`${w.path.padEnd(width)}  ${seconds(w.seconds).padStart(9)}  ${w.sampleRate / 1000} kHz\n`);
  }
  ctx.out.write(`${written.length} file${written.length === 1 ? '' : 's'}, ${seconds(total)} of audio\n`);
  await ctx.out.flush();
  return run.code;
}
