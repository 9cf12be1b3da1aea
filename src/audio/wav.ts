/**
 * WAV files and the audio formats of PROTOCOL.md §3: 16-bit PCM at 24 kHz mono, G.711 µ-law and A-law at
 * 8 kHz. Reading (for `tail --audio`), writing (for `rtev audio`), conversion and G.711 coding.
 */

export interface Pcm {
  sampleRate: number;
  /** Mono 16-bit samples. */
  samples: Int16Array;
}

/** A WAV file rtev cannot use, with the found and the needed format: a usage error. */
export class WavError extends Error {}

const NEEDED = 'PCM 16-bit (any rate, mono or stereo; sent as 24 kHz mono)';

/** Parse a WAV file's chunks properly (any chunk order, odd sizes padded) into mono 16-bit PCM. */
export function readWav(buf: Buffer, name: string): Pcm {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError(`${name}: not a WAV file (no RIFF/WAVE header)`);
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let p = 12; p + 8 <= buf.length;) {
    const id = buf.toString('latin1', p, p + 4);
    const size = buf.readUInt32LE(p + 4);
    const body = buf.subarray(p + 8, Math.min(buf.length, p + 8 + size));
    if (id === 'fmt ' && body.length >= 16) {
      let format = body.readUInt16LE(0);
      if (format === 0xfffe && body.length >= 26) format = body.readUInt16LE(24); // WAVE_FORMAT_EXTENSIBLE: the sub-format
      fmt = { format, channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    } else if (id === 'data') {
      data = body;
    }
    p += 8 + size + (size % 2);
  }
  if (!fmt || !data) throw new WavError(`${name}: a WAV file without ${fmt ? 'a data' : 'a fmt'} chunk`);
  const found = `${fmt.format === 1 ? 'PCM' : fmt.format === 3 ? 'float' : fmt.format === 6 ? 'A-law' : fmt.format === 7 ? 'µ-law' : `format ${fmt.format}`} ${fmt.bits}-bit, ${fmt.rate} Hz, ${fmt.channels} channel${fmt.channels === 1 ? '' : 's'}`;
  if (fmt.format !== 1 || fmt.bits !== 16 || fmt.channels < 1 || fmt.channels > 2 || fmt.rate < 1000) {
    throw new WavError(`${name}: ${found}; rtev needs ${NEEDED}`);
  }
  const frames = Math.floor(data.length / (2 * fmt.channels));
  const samples = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    if (fmt.channels === 1) samples[i] = data.readInt16LE(i * 2);
    else samples[i] = Math.round((data.readInt16LE(i * 4) + data.readInt16LE(i * 4 + 2)) / 2);
  }
  return { sampleRate: fmt.rate, samples };
}

/** Resample by linear interpolation (enough for speech into a realtime model). */
export function resample(pcm: Pcm, rate: number): Pcm {
  if (pcm.sampleRate === rate) return pcm;
  const n = Math.floor((pcm.samples.length * rate) / pcm.sampleRate);
  const out = new Int16Array(n);
  const step = pcm.sampleRate / rate;
  const src = pcm.samples;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = src[j] ?? 0;
    const b = src[Math.min(j + 1, src.length - 1)] ?? a;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return { sampleRate: rate, samples: out };
}

/** Little-endian bytes of 16-bit samples. */
export function pcmBytes(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, i * 2);
  return b;
}

// G.711 (ITU-T), the classic Sun reference algorithms.
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84, CLIP = 32635;
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exp = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (s >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}

export function ulawToLinear(u: number): number {
  const x = ~u & 0xff;
  const t = (((x & 0x0f) << 3) + 0x84) << ((x & 0x70) >> 4);
  return x & 0x80 ? 0x84 - t : t - 0x84;
}

export function linearToAlaw(sample: number): number {
  let s = sample >> 3; // 13-bit
  let mask: number;
  if (s >= 0) mask = 0xd5;
  else { mask = 0x55; s = -s - 1; }
  const seg = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff].findIndex((end) => s <= end);
  if (seg < 0) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (s >> 1) & 0x0f : (s >> seg) & 0x0f);
  return aval ^ mask;
}

export function alawToLinear(a: number): number {
  const x = a ^ 0x55;
  let t = (x & 0x0f) << 4;
  const seg = (x & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return x & 0x80 ? t : -t;
}

/** A WAV header for 16-bit PCM of `dataBytes` bytes: mono, or `channels` interleaved. */
export function wavHeader(sampleRate: number, dataBytes: number, channels = 1): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2 * channels, 28); // bytes per second
  h.writeUInt16LE(2 * channels, 32); // bytes per frame
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
