import { Chalk, type ChalkInstance } from 'chalk';
import type { Family } from '../events/catalogue.js';

export type ColorLevel = 0 | 1 | 2 | 3;

/** Colours for people: one per family, plus the few accents the printers use. Level 0 is plain text. */
export interface Palette {
  readonly level: ColorLevel;
  family(f: Family | 'unknown', s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  error(s: string): string;
  warn(s: string): string;
  good(s: string): string;
  /** `rtev show`'s JSON: keys, strings, numbers, true/false/null. */
  json(kind: 'key' | 'string' | 'number' | 'literal', s: string): string;
}

export function makePalette(level: ColorLevel): Palette {
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
    family: (f, s) => (level ? byFamily[f](s) : s),
    dim: (s) => (level ? c.dim(s) : s),
    bold: (s) => (level ? c.bold(s) : s),
    error: (s) => (level ? c.red(s) : s),
    warn: (s) => (level ? c.yellow(s) : s),
    good: (s) => (level ? c.green(s) : s),
    json: (kind, s) => (level ? (kind === 'key' ? c.blue(s) : kind === 'string' ? c.green(s) : kind === 'number' ? c.yellow(s) : c.magenta(s)) : s),
  };
}
