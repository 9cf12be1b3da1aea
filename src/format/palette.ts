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

const same = (s: string) => s;

/** No colour: every accent is the text itself. */
export const PLAIN: Palette = {
  level: 0, family: (_, s) => s, dim: same, bold: same, error: same, warn: same, good: same, json: (_, s) => s,
};

/** The palette of a colour level; the colour library is loaded only when there is colour to make. */
export async function loadPalette(level: ColorLevel): Promise<Palette> {
  return level === 0 ? PLAIN : (await import('./palette-chalk.js')).makePalette(level);
}
