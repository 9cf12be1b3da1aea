import type { Usage } from './types.js';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function emptyUsage(): Usage {
  return {
    input_tokens: 0, output_tokens: 0, total_tokens: 0, input_text_tokens: 0, input_audio_tokens: 0, input_image_tokens: 0,
    cached_tokens: 0, cached_text_tokens: 0, cached_audio_tokens: 0, cached_image_tokens: 0,
    output_text_tokens: 0, output_audio_tokens: 0, reasoning_tokens: 0,
  };
}

/**
 * `response.usage` as numbers (PROTOCOL.md §6.3). Without `cached_tokens_details`, every cached token counts as
 * text. Without `input_token_details` (or `output_token_details`), all input (output) counts as text.
 */
export function readUsage(u: any): Usage | null {
  if (!u || typeof u !== 'object') return null;
  const r = emptyUsage();
  r.input_tokens = num(u.input_tokens);
  r.output_tokens = num(u.output_tokens);
  r.total_tokens = num(u.total_tokens);
  const inD = u.input_token_details;
  if (inD && typeof inD === 'object') {
    r.input_text_tokens = num(inD.text_tokens);
    r.input_audio_tokens = num(inD.audio_tokens);
    r.input_image_tokens = num(inD.image_tokens);
    r.cached_tokens = num(inD.cached_tokens);
    const c = inD.cached_tokens_details;
    if (c && typeof c === 'object') {
      r.cached_text_tokens = num(c.text_tokens);
      r.cached_audio_tokens = num(c.audio_tokens);
      r.cached_image_tokens = num(c.image_tokens);
    } else {
      r.cached_text_tokens = r.cached_tokens;
    }
  } else {
    r.input_text_tokens = r.input_tokens;
  }
  const outD = u.output_token_details;
  if (outD && typeof outD === 'object') {
    r.output_text_tokens = num(outD.text_tokens);
    r.output_audio_tokens = num(outD.audio_tokens);
    r.reasoning_tokens = num(outD.reasoning_tokens);
  } else {
    r.output_text_tokens = r.output_tokens;
  }
  return r;
}

/** Add `b` into `a`. */
export function addUsage(a: Usage, b: Usage): Usage {
  for (const k of Object.keys(a) as (keyof Usage)[]) a[k] += b[k];
  return a;
}
