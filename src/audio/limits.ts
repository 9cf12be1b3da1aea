/** How large `rtev audio`'s files may grow (no imports: the CLI reads these for its help). */

/** A WAV file's size field is 32 bits: no file can be larger, in MB (10^6 bytes). */
export const WAV_MAX_MB = 4294;
/** The most one file holds unless --max-mb says otherwise, MB: about 5.8 hours of 24 kHz mono, 2.9 of stereo. */
export const DEFAULT_MAX_MB = 1000;
/** The longest silence a joined file keeps, ms: a longer one is cut to this (and said). */
export const MAX_GAP_MS = 10_000;
