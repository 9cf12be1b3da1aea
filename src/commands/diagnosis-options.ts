import { escapeControls } from '../format/escape.js';
import { PriceBook, PricesError } from '../session/cost.js';
import type { Ctx } from './context.js';

/** The options the commands that read the turn model share. */
export interface DiagnosisOptions {
  /** A JSON file of prices that adds or overrides models (USD per million tokens). */
  prices?: string;
  /** The `slow` flag's threshold, ms. */
  slow?: number;
}

/**
 * The price book and the note channel of a run. Notes (an unknown audio format, a model without a price) go to
 * stderr, each once per run however many sessions say it. Null (after a one-line usage message) when --prices
 * cannot be used.
 */
export function diagnosisSetup(o: DiagnosisOptions, ctx: Ctx): { prices: PriceBook; slowMs: number; onNote: (t: string) => void } | null {
  let prices: PriceBook;
  try {
    prices = o.prices === undefined ? new PriceBook() : PriceBook.load(o.prices);
  } catch (e) {
    if (!(e instanceof PricesError)) throw e;
    ctx.say(`rtev: ${escapeControls(e.message)}`);
    return null;
  }
  const said = new Set<string>();
  return {
    prices,
    slowMs: o.slow ?? 1500,
    onNote: (t) => {
      if (said.has(t)) return;
      said.add(t);
      ctx.say(`rtev: note: ${escapeControls(t)}`);
    },
  };
}
