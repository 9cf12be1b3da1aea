/**
 * Built-in prices, in USD per million tokens, from the model pages of OpenAI's API docs, read on PRICES_DATE.
 * The one place these figures live: the README shows this table. `--prices FILE` adds or overrides models.
 */
export const PRICES_DATE = '2026-11-25';

/** The rates of one model (USD per million tokens). A missing rate counts as 0. */
export interface Rates {
  text_in: number;
  text_cached: number;
  text_out: number;
  audio_in: number;
  audio_cached: number;
  audio_out: number;
  image_in: number;
  image_cached: number;
}

export const RATE_KEYS: readonly (keyof Rates)[] = ['text_in', 'text_cached', 'text_out', 'audio_in', 'audio_cached', 'audio_out', 'image_in', 'image_cached'];

const gptRealtime: Rates = { text_in: 4, text_cached: 0.4, text_out: 16, audio_in: 32, audio_cached: 0.4, audio_out: 64, image_in: 5, image_cached: 0.5 };
const gptRealtime2: Rates = { ...gptRealtime, text_out: 24 };
const gptRealtimeMini: Rates = { text_in: 0.6, text_cached: 0.06, text_out: 2.4, audio_in: 10, audio_cached: 0.3, audio_out: 20, image_in: 0.8, image_cached: 0.08 };

export const BUILT_IN_PRICES: Readonly<Record<string, Rates>> = {
  'gpt-realtime': gptRealtime,
  'gpt-realtime-1.5': gptRealtime,
  'gpt-realtime-2': gptRealtime2,
  'gpt-realtime-2.1': gptRealtime2,
  'gpt-realtime-mini': gptRealtimeMini,
  'gpt-realtime-2.1-mini': gptRealtimeMini,
  'gpt-4o-realtime-preview': { text_in: 5, text_cached: 2.5, text_out: 20, audio_in: 40, audio_cached: 2.5, audio_out: 80, image_in: 0, image_cached: 0 },
  'gpt-4o-mini-realtime-preview': { text_in: 0.6, text_cached: 0.3, text_out: 2.4, audio_in: 10, audio_cached: 0.3, audio_out: 20, image_in: 0, image_cached: 0 },
};
