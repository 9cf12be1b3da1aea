import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, lstatSync, mkdirSync, openSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { writeError } from './write-error.js';

/** The recording file cannot be opened (it exists, it is not a regular file, the folder is not writable): exit 1. */
export class RecordError extends Error {}

const FLUSH_MS = 20;
const FLUSH_BYTES = 1 << 18;

/** The default file name without its folder and extension: <UTC yyyy-mm-ddThh-mm-ss>_<host> */
export function recordingStem(host: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${stamp}_${host.replace(/[^A-Za-z0-9.-]/g, '_') || 'stdin'}`;
}

/** The default file: recordings/<UTC yyyy-mm-ddThh-mm-ss>_<host>.jsonl */
export function defaultRecordingPath(host: string, now = new Date()): string {
  return `recordings/${recordingStem(host, now)}.jsonl`;
}

/** The n-th candidate for a default name: the name itself, then `…_2.jsonl`, `…_3.jsonl`, … */
function numbered(path: string, n: number): string {
  return n === 1 ? path : path.replace(/(\.jsonl)?$/, `_${n}$1`);
}

/** What kind of file a stat describes, for a refusal. */
function kind(st: Stats): string {
  return st.isSymbolicLink() ? 'a symbolic link' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device'
    : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isDirectory() ? 'a directory' : 'not a regular file';
}

function refuse(path: string, st: Stats): RecordError {
  return new RecordError(`${path} is ${kind(st)}: rtev records only to regular files (give a new file, or an existing one with --force)`);
}

/** Open flags: never follow a link, never block on a FIFO that appeared meanwhile; create only when allowed. */
const BASE = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Appends recording lines to a file created with mode 0600. Lines are written with plain write(2) calls
 * at most 20 ms after they arrive (sooner when 256 KiB are waiting), so a frame is on disk within 100 ms and a
 * `kill -9` loses at most the line being written. No fsync: the page cache survives the process.
 *
 * Only a regular file is ever written, truncated or chmod-ed: one rtev creates, or one it was told to
 * overwrite (--force). A write that fails (a full disk, a file-size limit) never throws: the file is cut back to
 * its last whole line, recording stops, and `failed` says why (`onFail` is called once).
 */
export class Recorder {
  frames = 0;
  bytes = 0;
  readonly path: string;
  /** Why recording stopped, in one line naming the file, once a write failed. */
  failed: string | null = null;
  /** Called once when a write fails. */
  onFail: ((message: string) => void) | null = null;
  private parts: Buffer[] = [];
  /** Per line waiting in `parts`: whether it is a frame (not a meta line). */
  private kinds: boolean[] = [];
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  private fd: number;
  /** Bytes in the file, always at a line boundary. */
  private size = 0;

  /**
   * `makeFolder`: create the file's folder (for the default recordings/ folder; a path the user gave must exist).
   * `unique`: the path is a default name: if it is taken, use `…_2.jsonl`, `…_3.jsonl`, … (never overwrite).
   */
  constructor(path: string, force: boolean, makeFolder = false, unique = false) {
    try {
      if (makeFolder) mkdirSync(dirname(path), { recursive: true });
      let fd = -1;
      for (let n = 1; fd < 0; n++) {
        const candidate = unique ? numbered(path, n) : path;
        try {
          fd = this.open(candidate, force && !unique);
          path = candidate;
        } catch (e) {
          if (!unique || (e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw e;
        }
      }
      this.fd = fd;
      this.path = path;
    } catch (e) {
      if (e instanceof RecordError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') throw new RecordError(`${path} exists; choose another file or add --force to overwrite it`);
      const why: Record<string, string> = { EACCES: 'permission denied', ENOENT: 'no such folder', EROFS: 'read-only file system', EISDIR: 'is a directory', ENOSPC: 'no space left' };
      throw new RecordError(`cannot write ${path}: ${why[err.code ?? ''] ?? err.message}`);
    }
  }

  /** Open a new file (O_EXCL), or with `overwrite` an existing regular file, checked before and after opening. */
  private open(path: string, overwrite: boolean): number {
    let before: Stats | null = null;
    try {
      before = lstatSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (before && !before.isFile()) throw refuse(path, before);
    const fd = openSync(path, BASE | (overwrite ? 0 : constants.O_EXCL), 0o600);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw refuse(path, st); // replaced between the check and the open
      if (before) ftruncateSync(fd, 0); // --force: the file was there, and rtev was told to overwrite it
      fchmodSync(fd, 0o600); // an existing file overwritten with --force keeps its old mode otherwise
      return fd;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** A meta line (the first and the last, reconnections): written at once. */
  meta(rtev: Record<string, unknown>, ts = new Date().toISOString()): void {
    this.push(Buffer.from(JSON.stringify({ ts, dir: 'meta', rtev })), false);
    this.flush();
  }

  /** A frame's recording line. */
  frame(line: Buffer): void {
    if (this.failed !== null) return;
    this.frames++;
    this.push(line, true);
  }

  private push(line: Buffer, isFrame: boolean): void {
    if (this.failed !== null) return;
    this.parts.push(line, NEWLINE);
    this.kinds.push(isFrame);
    this.pending += line.length + 1;
    this.bytes += line.length + 1;
    if (this.pending >= FLUSH_BYTES) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending === 0 || this.failed !== null) return;
    const data = Buffer.concat(this.parts, this.pending);
    const kinds = this.kinds;
    this.parts = [];
    this.kinds = [];
    this.pending = 0;
    let off = 0;
    try {
      while (off < data.length) off += writeSync(this.fd, data, off);
      this.size += data.length;
    } catch (e) {
      this.fail(e, data, off, kinds);
    }
  }

  /** A write failed after `written` bytes of `data`: keep whole lines only, count what is kept, stop. */
  private fail(e: unknown, data: Buffer, written: number, kinds: boolean[]): void {
    const keep = written > 0 ? data.lastIndexOf(0x0a, written - 1) + 1 : 0;
    try {
      if (keep < written) ftruncateSync(this.fd, this.size + keep);
    } catch {
      // The cut failed too: readers report the partial last line as malformed, as after a kill -9.
    }
    this.size += keep;
    let lines = 0;
    for (let i = data.indexOf(0x0a); i >= 0 && i < keep; i = data.indexOf(0x0a, i + 1)) lines++;
    this.frames -= kinds.slice(lines).filter(Boolean).length;
    this.bytes = this.size;
    this.failed = `cannot write ${this.path}: ${writeError(e)}; recording stopped, the file keeps ${this.frames} frame${this.frames === 1 ? '' : 's'}, each line whole`;
    this.onFail?.(this.failed);
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch {
      // Already failed: the message says so.
    }
  }
}

const NEWLINE = Buffer.from('\n');
