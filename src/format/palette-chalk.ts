import { Chalk, type ChalkInstance } from 'chalk';
import type { Family } from '../events/catalogue.js';
import { PLAIN, type ColorLevel, type Palette } from './palette.js';

/** The palette of a colour level, with chalk (level 0: plain text). */
export function makePalette(level: ColorLevel): Palette {
  if (level === 0) return PLAIN;
  const c = new Chalk({ level });
  const byFamily: Record<Family | 'unknown', ChalkInstance> = {
    session: c.magenta, conversation: c.blue, transcription: c.cyan, input_audio_buffer: c.yellow,
    output_audio_buffer: c.yellowBright, response: c.green, text: c.whiteBright, audio: c.gray,
    audio_transcript: c.cyanBright, function_call: c.magentaBright, mcp: c.blueBright, rate_limits: c.gray,
    error: c.red.bold, unknown: c.red.inverse,
    // GPT-Live and Translation
    input_audio: c.yellow, transcript: c.cyanBright, context: c.blue, delegation: c.magentaBright, usage: c.gray,
    info: c.whiteBright, transport: c.blueBright, decision: c.green,
  };
  return {
    level,
    family: (f, s) => byFamily[f](s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    error: (s) => c.red(s),
    warn: (s) => c.yellow(s),
    good: (s) => c.green(s),
    json: (kind, s) => (kind === 'key' ? c.blue(s) : kind === 'string' ? c.green(s) : kind === 'number' ? c.yellow(s) : c.magenta(s)),
  };
}
