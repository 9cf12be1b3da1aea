// The conversation mix (src/audio/mix.ts) and G.711 decoding (src/audio/decode.ts): placement by hand.
import { describe, expect, it } from 'vitest';
import { decodeAudio, resampleTo } from '../src/audio/decode.js';
import { ASSISTANT, ConversationMix, Lane, StereoTrack, USER, stereoWavHeader } from '../src/audio/mix.js';
import { linearToAlaw, linearToUlaw } from '../src/audio/wav.js';
import { PCM16, PCMA, PCMU } from '../src/pipeline/audio-format.js';

const ones = (n: number, v = 1000) => new Int16Array(n).fill(v);
const RATE = 1000; // one frame per ms: positions read as milliseconds

describe('Lane', () => {
  it('places a piece when it is due, or when the lane is free', () => {
    const l = new Lane();
    expect(l.place(100, 50)).toBe(100);
    expect(l.place(120, 50)).toBe(150); // still busy until 150
    expect(l.place(NaN, 10)).toBe(200); // no time: right after
    expect(l.place(500, 10)).toBe(500);
  });
});

describe('ConversationMix', () => {
  it("places the user's chunk before its arrival (it was captured first), the assistant's at its arrival", () => {
    const t = new StereoTrack(RATE, 10_000);
    const m = new ConversationMix(RATE, t);
    expect(m.userAudio(ones(100, 7), 1100)).toBe(1000);
    expect(m.userAudio(ones(100, 7), 1150)).toBe(1100); // arrived early: after the one before
    expect(m.assistantAudio('r1', 'i1', ones(300, 9), 2000)).toBe(2000);
    expect(m.assistantAudio('r1', 'i1', ones(300, 9), 2010)).toBe(2300); // a response's chunks play one after another
    expect(m.assistantAudio('r2', 'i2', ones(100, 5), 2100)).toBe(2600); // the next response waits for it
    expect(t.length).toBe(2700);
    expect(t.wav().readInt16LE(44 + 1050 * 4 + USER * 2)).toBe(7);
    expect(t.wav().readInt16LE(44 + 1050 * 4 + ASSISTANT * 2)).toBe(0);
    expect(t.wav().readInt16LE(44 + 2500 * 4 + ASSISTANT * 2)).toBe(9);
    expect(m.take('r1')).toEqual({ start: 2000, generated: 600, heard: 600 });
    expect(m.take('r1')).toBeNull();
  });

  it('cuts a truncated response where it was heard, frees the lane there, and never plays chunks after the cut', () => {
    const t = new StereoTrack(RATE, 10_000);
    const m = new ConversationMix(RATE, t);
    m.assistantAudio('r1', 'i1', ones(1000, 9), 0);
    m.truncate('i1', 250);
    m.assistantAudio('r1', 'i1', ones(500, 9), 100); // generated after the cut: counted, not heard
    const w = t.wav();
    expect(w.readInt16LE(44 + 249 * 4 + 2)).toBe(9);
    expect(w.readInt16LE(44 + 250 * 4 + 2)).toBe(0);
    expect(w.readInt16LE(44 + 999 * 4 + 2)).toBe(0);
    expect(m.assistantAudio('r2', 'i2', ones(10, 3), 300)).toBe(300); // the lane was free from 250
    expect(m.take('r1')).toEqual({ start: 0, generated: 1500, heard: 250 });
  });

  it('says where the next chunk would go without placing it', () => {
    const m = new ConversationMix(RATE, null);
    expect(m.nextAt(null, 500, 100)).toBe(400);
    expect(m.nextAt('r', 50, 10)).toBe(50);
    m.assistantAudio('r', 'i', 400, 50);
    expect(m.nextAt('r', 60, 10)).toBe(450);
    expect(m.nextAt('r2', 60, 10)).toBe(450);
    m.truncate('i', 100);
    expect(m.nextAt('r', 60, 10)).toBe(Infinity);
  });

  it('places without samples (lengths only) the same way', () => {
    const m = new ConversationMix(RATE, null);
    expect(m.assistantAudio('r', null, 400, 50)).toBe(50);
    expect(m.assistantAudio('r', null, 400, 60)).toBe(450);
    expect(m.take('r')).toEqual({ start: 50, generated: 800, heard: 800 });
  });
});

describe('StereoTrack', () => {
  it('keeps at most its cap and counts what it left out, per channel', () => {
    const t = new StereoTrack(RATE, 1000);
    t.write(USER, 900, ones(200));
    t.write(ASSISTANT, 1500, ones(100));
    expect(t.length).toBe(1000);
    expect(t.dropped).toEqual([100, 100]);
    expect(t.firstDropped).toBe(1000);
    expect(t.wav().length).toBe(44 + 1000 * 4);
  });

  it('writes a stereo 16-bit WAV header', () => {
    const h = stereoWavHeader(24000, 400);
    expect(h.toString('latin1', 0, 4)).toBe('RIFF');
    expect(h.readUInt32LE(4)).toBe(436);
    expect(h.readUInt16LE(22)).toBe(2);
    expect(h.readUInt32LE(24)).toBe(24000);
    expect(h.readUInt32LE(28)).toBe(96000);
    expect(h.readUInt16LE(32)).toBe(4);
    expect(h.readUInt32LE(40)).toBe(400);
  });
});

describe('decodeAudio', () => {
  it('decodes PCM16, µ-law and A-law, and nothing for a format rtev does not know', () => {
    expect([...decodeAudio(Buffer.from([0x10, 0x27, 0xf0, 0xd8, 0x01]), PCM16)]).toEqual([10000, -10000]);
    const u = decodeAudio(Buffer.from([linearToUlaw(10000), linearToUlaw(-10000)]), PCMU);
    expect(Math.abs(u[0]! - 10000)).toBeLessThan(400);
    expect(Math.abs(u[1]! + 10000)).toBeLessThan(400);
    const a = decodeAudio(Buffer.from([linearToAlaw(10000), linearToAlaw(-10000)]), PCMA);
    expect(Math.abs(a[0]! - 10000)).toBeLessThan(400);
    expect(Math.abs(a[1]! + 10000)).toBeLessThan(400);
    expect(decodeAudio(Buffer.from([1, 2]), { name: 'unknown', sampleRate: NaN, bytesPerSecond: NaN, label: 'opus' }).length).toBe(0);
  });

  it('resamples 8 kHz to 24 kHz: three times the samples, the same values at the same times', () => {
    const r = resampleTo(Int16Array.from([0, 300, 600]), 8000, 24000);
    expect(r.length).toBe(9);
    expect([...r.slice(0, 4)]).toEqual([0, 100, 200, 300]);
  });
});
