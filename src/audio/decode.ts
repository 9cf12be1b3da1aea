import type { AudioFormat } from '../pipeline/audio-format.js';
import { alawToLinear, ulawToLinear } from './wav.js';

/**
 * One chunk of a capture's audio as 16-bit samples at its format's own rate: PCM16 (little-endian) as is,
 * G.711 µ-law and A-law decoded. An odd trailing byte of PCM is dropped; an unknown format gives nothing
 * (rtev never guesses at bytes it cannot decode).
 */
export function decodeAudio(raw: Buffer, fmt: AudioFormat): Int16Array {
  if (fmt.name === 'pcm16') {
    const n = raw.length >> 1;
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = raw.readInt16LE(i * 2);
    return out;
  }
  if (fmt.name !== 'pcmu' && fmt.name !== 'pcma') return new Int16Array(0);
  const dec = fmt.name === 'pcmu' ? ulawToLinear : alawToLinear;
  const out = new Int16Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = dec(raw[i]!);
  return out;
}

/**
 * Whole samples from deltas that may split one: a server may cut its byte stream anywhere, and a PCM16 delta of an
 * odd length would shift every later sample by a byte (noise to the end of the response). The bytes past the last
 * whole frame (a sample in each channel) are held and put before the next delta of the same stream.
 */
export class WholeSamples {
  private readonly held = new Map<string, Buffer>();

  take(stream: string, raw: Buffer, fmt: AudioFormat, channels: number): Buffer {
    const frame = (fmt.name === 'pcm16' ? 2 : 1) * Math.max(1, channels);
    const before = this.held.get(stream);
    const all = before ? Buffer.concat([before, raw]) : raw;
    const rest = all.length % frame;
    if (before) this.held.delete(stream);
    if (rest === 0) return all;
    if (this.held.size >= 1024) this.held.delete(this.held.keys().next().value!); // bounded: streams come and go
    this.held.set(stream, Buffer.from(all.subarray(all.length - rest)));
    return all.subarray(0, all.length - rest);
  }
}

/** Samples at `from` Hz made into `to` Hz by linear interpolation (enough for speech). */
export function resampleTo(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to || samples.length === 0) return samples;
  const n = Math.max(1, Math.round((samples.length * to) / from));
  const out = new Int16Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const j = Math.floor(x);
    const a = samples[Math.min(j, samples.length - 1)]!;
    const b = samples[Math.min(j + 1, samples.length - 1)]!;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return out;
}

/**
 * A chunk's audio as mono 16-bit little-endian bytes at `rate`: PCM16 mono at that rate as it came (an odd
 * trailing byte dropped), anything else decoded, two interleaved channels averaged, and resampled.
 */
export function monoPcm(raw: Buffer, fmt: AudioFormat, channels: number, rate: number): Buffer {
  if (fmt.name === 'pcm16' && channels === 1 && fmt.sampleRate === rate) return raw.subarray(0, raw.length & ~1);
  const samples = resampleTo(monoSamples(raw, fmt, channels), fmt.sampleRate, rate);
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** A chunk's samples at its format's rate, one channel: two interleaved channels averaged. */
export function monoSamples(raw: Buffer, fmt: AudioFormat, channels: number): Int16Array {
  const s = decodeAudio(raw, fmt);
  if (channels !== 2) return s;
  const out = new Int16Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (s[2 * i]! + s[2 * i + 1]!) >> 1;
  return out;
}
