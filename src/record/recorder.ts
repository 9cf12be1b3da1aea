import { closeSync, constants, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The recording file cannot be opened (it exists, or the folder is not writable): exit 1. */
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

/**
 * Appends recording lines to a file created with mode 0600. Lines are written with plain write(2) calls
 * at most 20 ms after they arrive (sooner when 256 KiB are waiting), so a frame is on disk within 100 ms and a
 * `kill -9` loses at most the line being written. No fsync: the page cache survives the process.
 */
export class Recorder {
  frames = 0;
  bytes = 0;
  private parts: Buffer[] = [];
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  private fd: number;

  /** `makeFolder`: create the file's folder (for the default recordings/ folder; a path the user gave must exist). */
  constructor(readonly path: string, force: boolean, makeFolder = false) {
    try {
      if (makeFolder) mkdirSync(dirname(path), { recursive: true });
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | (force ? constants.O_TRUNC : constants.O_EXCL);
      this.fd = openSync(path, flags, 0o600);
      fchmodSync(this.fd, 0o600); // an existing file overwritten with --force keeps its old mode otherwise
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') throw new RecordError(`${path} exists; choose another file or add --force to overwrite it`);
      const why: Record<string, string> = { EACCES: 'permission denied', ENOENT: 'no such folder', EROFS: 'read-only file system', EISDIR: 'is a directory', ENOSPC: 'no space left' };
      throw new RecordError(`cannot write ${path}: ${why[err.code ?? ''] ?? err.message}`);
    }
  }

  /** A meta line (the first and the last, reconnections): written at once. */
  meta(rtev: Record<string, unknown>, ts = new Date().toISOString()): void {
    this.push(Buffer.from(JSON.stringify({ ts, dir: 'meta', rtev })));
    this.flush();
  }

  /** A frame's recording line. */
  frame(line: Buffer): void {
    this.frames++;
    this.push(line);
  }

  private push(line: Buffer): void {
    this.parts.push(line, NEWLINE);
    this.pending += line.length + 1;
    this.bytes += line.length + 1;
    if (this.pending >= FLUSH_BYTES) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending === 0) return;
    const data = Buffer.concat(this.parts, this.pending);
    this.parts = [];
    this.pending = 0;
    for (let off = 0; off < data.length;) off += writeSync(this.fd, data, off);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const NEWLINE = Buffer.from('\n');
