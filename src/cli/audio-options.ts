/** `rtev audio`'s options that need more than commander gives: the size cap, and combinations that say why they clash. */
import { InvalidArgumentError } from 'commander';
import { WAV_MAX_MB } from '../audio/limits.js';

export { DEFAULT_MAX_MB, WAV_MAX_MB } from '../audio/limits.js';

/** --max-mb: a number of MB above 0, within what a WAV file can hold. */
export function megabytes(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new InvalidArgumentError('expected a number of MB above 0');
  if (n > WAV_MAX_MB) throw new InvalidArgumentError(`a WAV file holds at most ${WAV_MAX_MB} MB`);
  return n;
}

/** Options that do nothing together, and why; null when they go together. */
export function audioClash(o: { join?: boolean; input?: boolean; heard?: boolean; stereo?: boolean }): string | null {
  if (o.stereo && o.join) return '--stereo writes one file on the time line already: leave out --join';
  if (o.stereo && o.input) return "--stereo holds the user's audio already (the left channel): leave out --input";
  if (o.stereo && o.heard) return '--stereo cuts interrupted answers already: leave out --heard';
  if (o.heard && o.input) return "--heard cuts the assistant's answers where the user stopped hearing them; the user's own audio (--input) has nothing to cut";
  return null;
}
