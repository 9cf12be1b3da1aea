// Making an output folder (audio -o, export -o) without Node's recursive mkdir, which never returns for some paths.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Make the output folder and its missing parents, one level at a time: Node's recursive mkdir loops forever
 * where a parent cannot be made (/proc/nope/x). The folders made (to take away again if nothing is written),
 * or why the folder cannot be used.
 */
export function makeFolder(path: string, made: string[] = [], what = 'audio writes its WAV files into a folder'): { usage: boolean; message: string } | null {
  try {
    if (statSync(path).isDirectory()) return null;
    return { usage: true, message: `-o ${path}: exists and is not a folder; ${what}` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { usage: false, message: `-o ${path}: ${(e as Error).message}` };
  }
  const parent = dirname(path);
  if (parent !== path) {
    const bad = makeFolder(parent, made, what);
    if (bad) return bad;
  }
  try {
    mkdirSync(path);
    made.push(path);
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { usage: false, message: `-o ${path}: cannot make the folder: ${err.code === 'ENOENT' ? 'its parent cannot hold folders' : err.message}` };
  }
}
