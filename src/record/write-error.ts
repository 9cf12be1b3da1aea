/** A failed write (to a recording or to stdout) in words, with its code: "no space left on device (ENOSPC)". */
export function writeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device', EFBIG: 'file too large (over the file-size limit, ulimit -f)',
    EDQUOT: 'disk quota exceeded', EIO: 'input/output error', EROFS: 'read-only file system', EACCES: 'permission denied',
  };
  const code = err?.code;
  return code && words[code] ? `${words[code]} (${code})` : String(err?.message ?? e);
}
