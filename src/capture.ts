/**
 * `rtev/capture`: write rtev's recording format from inside a Node app, for apps that cannot point their
 * base URL at `rtev proxy`. Node only; no other dependency.
 *
 *   import { openRecording } from 'rtev/capture';
 *   const rec = await openRecording('recordings/call-42.jsonl');
 *   socket.on('message', (data, isBinary) => rec.server(data, { binary: isBinary }));
 *   rec.client(event);                // what the app sends
 *   await rec.close();
 */
import { readFileSync } from 'node:fs';
import { recordingLine } from './record/line.js';
import { Recorder } from './record/recorder.js';

/**
 * A frame: a string (a text frame: a JSON object is kept byte for byte, other text as `"text"`), bytes
 * (a text frame in UTF-8, or a binary frame with `{ binary: true }`), or an event object (written as JSON).
 */
export type CaptureData = string | Uint8Array | ArrayBuffer | object;

export interface FrameOptions {
  /** The bytes are a binary frame (as `ws` reports with `isBinary`); without it, bytes are text. */
  binary?: boolean;
  /** When the app sent or received the frame: a Date, milliseconds since the epoch, or an ISO string. Default: now. */
  ts?: Date | number | string;
}

export interface OpenOptions {
  /** Replace the file if it exists (by default an existing file is never overwritten: openRecording rejects). */
  force?: boolean;
  /** What the first meta line names as the source (an URL, a call id, a service name); keep keys out of it. */
  source?: string;
}

export interface Recording {
  /** The file being written. */
  readonly path: string;
  /** Frames written so far. */
  readonly frames: number;
  /** A frame the app received from the server (`dir: server`). */
  server(data: CaptureData, options?: FrameOptions): void;
  /** A frame the app sent (`dir: client`). */
  client(data: CaptureData, options?: FrameOptions): void;
  /**
   * Write the closing meta line (with `info`, such as a close code) and close the file. Frames given after
   * this are ignored.
   */
  close(info?: Record<string, unknown>): Promise<void>;
}

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function isoTime(ts: FrameOptions['ts']): string {
  if (ts === undefined) return new Date().toISOString();
  const d = ts instanceof Date ? ts : new Date(ts);
  if (Number.isNaN(d.getTime())) throw new TypeError(`rtev/capture: invalid ts ${JSON.stringify(String(ts))}`);
  return d.toISOString();
}

/** The frame's bytes, and whether it is binary. */
function frameBytes(data: CaptureData, binary: boolean | undefined): [Buffer, boolean] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8'), false];
  if (data instanceof ArrayBuffer) return [Buffer.from(data), !!binary];
  if (ArrayBuffer.isView(data)) return [Buffer.from(data.buffer, data.byteOffset, data.byteLength), !!binary];
  return [Buffer.from(JSON.stringify(data), 'utf8'), false];
}

/**
 * Open a recording (mode 0600; the folder is created if needed). Frames reach the file within 20 ms, as with
 * `rtev record`; after a crash the file is readable by every rtev command.
 */
export async function openRecording(path: string, options: OpenOptions = {}): Promise<Recording> {
  const rec = new Recorder(path, !!options.force, true);
  rec.meta({ version: version(), command: 'capture', source: options.source ?? 'rtev/capture' });
  let open = true;
  const write = (dir: 'server' | 'client', data: CaptureData, o: FrameOptions = {}) => {
    if (!open) return;
    const [bytes, binary] = frameBytes(data, o.binary);
    rec.frame(recordingLine(isoTime(o.ts), dir, bytes, binary));
  };
  return {
    path,
    get frames() { return rec.frames; },
    server: (data, o) => write('server', data, o),
    client: (data, o) => write('client', data, o),
    close: async (info = {}) => {
      if (!open) return;
      open = false;
      rec.meta({ end: 'closed', ...info, frames: rec.frames });
      rec.close();
    },
  };
}
