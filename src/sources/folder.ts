import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The names a capture in a folder may have (gzip-compressed or not). */
const CAPTURE = /\.(jsonl|json|har)(\.gz)?$/i;

/** Whether a SOURCE is a folder (a missing path is not: reading it reports it). */
export async function isFolder(spec: string): Promise<boolean> {
  if (spec === '-') return false;
  try {
    return (await stat(spec)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Every capture under a folder (`.jsonl`, `.json`, `.har`, each maybe `.gz`), recursively, in name order
 * (by path, so `a/x.jsonl` comes before `b.jsonl`). Hidden entries are skipped; a folder linked twice is
 * read once.
 */
export async function capturesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  async function walk(d: string): Promise<void> {
    const real = await realpath(d);
    if (seen.has(real)) return;
    seen.add(real);
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await stat(p).catch(() => null);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
      }
      if (isDir) await walk(p);
      else if (isFile && CAPTURE.test(e.name)) found.push(p);
    }
  }
  await walk(dir);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
