import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The files a folder SOURCE stands for: its captures, recursively, in name order. */
const CAPTURE = /\.(jsonl|json|har)(\.gz)?$/i;

/**
 * A SOURCE as the files to read: a folder becomes every capture in it (`.jsonl`, `.json`, `.har`, optionally
 * `.gz`), recursively, in name order; anything else stays as it is (the readers report what cannot be read).
 */
export function expandSource(spec: string): string[] {
  let isDir = false;
  try {
    isDir = spec !== '-' && statSync(spec).isDirectory();
  } catch {
    return [spec];
  }
  if (!isDir) return [spec];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (CAPTURE.test(e.name)) out.push(p);
    }
  };
  walk(spec);
  return out;
}
