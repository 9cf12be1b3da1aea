import { readFileSync } from 'node:fs';
import { BUILT_IN_PRICES, RATE_KEYS, type Rates } from './prices.js';
import type { Cost, Usage } from './types.js';

/** A --prices file that cannot be used: a usage error, one line. */
export class PricesError extends Error {}

const SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Prices by model: the built-in table, with a `--prices` file's models added or overriding. A model is
 * matched exactly, or with a `-YYYY-MM-DD` snapshot suffix; never by a bare prefix (`gpt-realtime-2.1-mini` is
 * not `gpt-realtime-2.1`).
 */
export class PriceBook {
  private readonly table = new Map<string, Rates>();

  constructor(extra?: ReadonlyMap<string, Rates>) {
    for (const [model, rates] of Object.entries(BUILT_IN_PRICES)) this.table.set(model, rates);
    if (extra) for (const [model, rates] of extra) this.table.set(model, rates);
  }

  /** The rates of a model, and the table's name for it; null when it has no price. */
  lookup(model: string | null): { model: string; rates: Rates } | null {
    if (model === null) return null;
    const exact = this.table.get(model);
    if (exact) return { model, rates: exact };
    if (SNAPSHOT.test(model)) {
      const base = model.replace(SNAPSHOT, '');
      const rates = this.table.get(base);
      if (rates) return { model: base, rates };
    }
    return null;
  }

  /** Read a --prices file: `{"<model>": {"text_in": …, …}}`, USD per million tokens. */
  static load(file: string): PriceBook {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new PricesError(`--prices ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new PricesError(`--prices ${file}: not JSON (${(e as Error).message})`);
    }
    return new PriceBook(parsePrices(doc, file));
  }
}

/** Validate a prices document: models to objects of known rate names with numbers ≥ 0. */
export function parsePrices(doc: unknown, file: string): Map<string, Rates> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new PricesError(`--prices ${file}: expected an object of models, {"<model>": {"text_in": 4, …}}`);
  const out = new Map<string, Rates>();
  for (const [model, v] of Object.entries(doc)) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new PricesError(`--prices ${file}: ${JSON.stringify(model)}: expected an object of rates`);
    const rates = Object.fromEntries(RATE_KEYS.map((k) => [k, 0])) as unknown as Rates;
    for (const [k, n] of Object.entries(v)) {
      if (!(RATE_KEYS as readonly string[]).includes(k)) throw new PricesError(`--prices ${file}: ${JSON.stringify(model)}: unknown rate ${JSON.stringify(k)} (rates: ${RATE_KEYS.join(', ')})`);
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new PricesError(`--prices ${file}: ${JSON.stringify(model)}.${k}: expected a number ≥ 0 (USD per million tokens)`);
      rates[k as keyof Rates] = n;
    }
    out.set(model, rates);
  }
  return out;
}

/**
 * The cost of one response's usage. Uncached text is `text − cached text`, likewise audio and image. When the
 * cached tokens were not broken down (all counted as text) and exceed the text tokens, the rest is taken from
 * the audio tokens, so that no input token is priced twice or lost.
 */
export function costOf(u: Usage, r: Rates): Cost {
  const over = Math.max(0, u.cached_text_tokens - u.input_text_tokens);
  const text = Math.max(0, u.input_text_tokens - u.cached_text_tokens);
  const audio = Math.max(0, u.input_audio_tokens - u.cached_audio_tokens - over);
  const image = Math.max(0, u.input_image_tokens - u.cached_image_tokens);
  const M = 1e6;
  const c: Cost = {
    total: 0,
    input_text: (text * r.text_in) / M,
    input_audio: (audio * r.audio_in) / M,
    input_image: (image * r.image_in) / M,
    cached: (u.cached_text_tokens * r.text_cached + u.cached_audio_tokens * r.audio_cached + u.cached_image_tokens * r.image_cached) / M,
    output_text: (u.output_text_tokens * r.text_out) / M,
    output_audio: (u.output_audio_tokens * r.audio_out) / M,
  };
  c.total = c.input_text + c.input_audio + c.input_image + c.cached + c.output_text + c.output_audio;
  return c;
}

export function emptyCost(): Cost {
  return { total: 0, input_text: 0, input_audio: 0, input_image: 0, cached: 0, output_text: 0, output_audio: 0 };
}

export function addCost(a: Cost, b: Cost): Cost {
  for (const k of Object.keys(a) as (keyof Cost)[]) a[k] += b[k];
  return a;
}

/** Dollars rounded to a millionth of a cent, so that sums of floats print cleanly. */
export function dollars(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

export function roundCost(c: Cost): Cost {
  const r = { ...c };
  for (const k of Object.keys(r) as (keyof Cost)[]) r[k] = dollars(r[k]);
  return r;
}
