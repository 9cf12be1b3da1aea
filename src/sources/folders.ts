import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The names a capture in a folder may have (gzip-compressed or not). */
const CAPTURE = /\.(jsonl|json|har)(\.gz)?$/i;

/** What to say of a folder in which no capture was found. */
export const NO_CAPTURES = 'a folder with no captures (.jsonl, .json or .har, optionally .gz, in it or its subfolders)';

/** Whether a SOURCE is a folder (a missing path is not: reading it reports it). */
export function isFolder(spec: string): boolean {
  try {
    return spec !== '-' && statSync(spec).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Every capture under a folder (`.jsonl`, `.json`, `.har`, each maybe `.gz`), recursively, in name order (by
 * path, byte for byte, so `2026/x.jsonl` comes before `a.jsonl`). Hidden entries are skipped; a folder linked
 * twice is read once. Throws when a folder cannot be listed.
 */
export function capturesIn(dir: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (d: string) => {
    const real = realpathSync(d);
    if (seen.has(real)) return;
    seen.add(real);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = statOrNull(p);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
      }
      if (isDir) walk(p);
      else if (isFile && CAPTURE.test(e.name)) found.push(p);
    }
  };
  walk(dir);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A SOURCE as the files to read: a folder becomes every capture in it; anything else stays as it is. */
export function expandSource(spec: string): string[] {
  return isFolder(spec) ? capturesIn(spec) : [spec];
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}
