/**
 * What the proxy does with its connections: one recording per connection (0600, meta lines first and last,
 * secrets scrubbed), the live display, and one line on stderr as each opens and closes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControls } from '../format/escape.js';
import { bytes, seconds } from '../format/summary.js';
import { readEventLine, recordingLine } from '../record/line.js';
import { Recorder, RecordError, recordingStem } from '../record/recorder.js';
import { scrub, scrubBytes } from '../sources/endpoint.js';
import { closeMeaning } from '../sources/websocket.js';
import type { ForwardedRequest } from './http.js';
import type { ConnectionEnd, ConnectionInfo, ConnectionSink, ProxyObserver } from './server.js';
import { ConnectionView, type ViewOptions } from './view.js';

export interface ProxyLogOptions {
  /** The recordings' folder, or null for --no-record. */
  dir: string | null;
  force: boolean;
  /** The upstream's host, for file names. */
  host: string;
  version: string;
  /** How frames are shown; null for --quiet. */
  view: ViewOptions | null;
  say(line: string): void;
}

const BY = { app: 'the app', upstream: 'the upstream', rtev: 'rtev' } as const;

/** Frames and bytes, as the closing lines and the summary say them. */
export function amount(frames: number, size: number): string {
  return `${frames} frame${frames === 1 ? '' : 's'}, ${bytes(size)}`;
}

class ConnectionLog implements ConnectionSink {
  frames = 0;
  bytes = 0;
  private readonly started = Date.now();

  constructor(
    private readonly c: ConnectionInfo,
    private readonly rec: Recorder | null,
    private readonly view: ConnectionView | null,
    private readonly parent: ProxyLog,
  ) {}

  frame(dir: 'client' | 'server', data: Buffer, isBinary: boolean): void {
    this.frames++;
    this.bytes += data.length;
    if (!this.rec && !this.view) return;
    // Keys never reach a recording or the screen, even when a frame echoes one (in any form, binary frames too).
    const clean = this.c.secrets.length === 0 ? data : scrubBytes(data, this.c.secrets);
    const ts = new Date().toISOString();
    const view = this.view;
    if (!view) {
      this.rec?.frame(recordingLine(ts, dir, clean, isBinary));
      return;
    }
    // Shown too: an event is scanned once, as part of its recording line (see readEventLine).
    const seq = view.next();
    const read = isBinary ? null : readEventLine(ts, dir, clean, (line) => view.frameOf(line, seq));
    const line = read ? read.line : recordingLine(ts, dir, clean, isBinary);
    this.rec?.frame(line);
    view.showFrame(read ? read.frame : view.frameOf(line, seq), line);
  }

  end(e: ConnectionEnd): void {
    this.view?.end();
    const reason = scrub(e.reason, this.c.secrets);
    const error = e.error === null ? null : scrub(e.error, this.c.secrets);
    const stopped = e.by === 'rtev' && this.parent.stopSignal;
    this.rec?.meta({
      end: stopped || 'closed', by: e.by, code: e.code, reason,
      ...(e.sentCode !== null && e.sentCode !== e.code ? { sent_code: e.sentCode } : {}),
      ...(error ? { error } : {}), frames: this.frames,
    });
    this.rec?.close();
    const how = e.code === null ? '' : ` with ${e.code} (${closeMeaning(e.code)})${reason ? `: ${escapeControls(reason)}` : ''}`;
    const passed = e.sentCode !== null && e.sentCode !== e.code ? `, passed on as ${e.sentCode}` : '';
    const err = error ? ` [${escapeControls(error)}]` : '';
    this.parent.closed(this, `closed by ${BY[e.by]}${how}${passed}${err}; ${amount(this.frames, this.bytes)} in ${seconds((Date.now() - this.started) / 1000)}`);
  }

  get n(): number {
    return this.c.n;
  }
}

export class ProxyLog implements ProxyObserver {
  /** Set before stopping, so that closing meta lines say why (SIGINT, SIGTERM). */
  stopSignal: string | null = null;
  connections = 0;
  frames = 0;
  bytes = 0;
  files = 0;
  private seen = 0;

  constructor(private readonly o: ProxyLogOptions) {}

  private line(n: number, text: string): void {
    this.o.say(`rtev: [${n}] ${text}`);
  }

  private openRecorder(c: ConnectionInfo): Recorder | null {
    if (this.o.dir === null) return null;
    const stem = join(this.o.dir, `${recordingStem(this.o.host)}_${c.n}`);
    // Never overwrite without --force: a name taken (a restart within the same second) gets a suffix.
    for (let k = 1; ; k++) {
      const path = `${stem}${k === 1 ? '' : `-${k}`}.jsonl`;
      if (!this.o.force && existsSync(path)) continue;
      try {
        return new Recorder(path, this.o.force);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        if (!this.o.force && existsSync(path)) continue;
        this.line(c.n, `cannot record: ${e.message}; the connection goes on unrecorded`);
        return null;
      }
    }
  }

  opened(c: ConnectionInfo): ConnectionSink {
    this.connections++;
    this.seen++;
    const rec = this.openRecorder(c);
    if (rec) this.files++;
    // A write that fails (a full disk) stops this recording, whole lines kept: say so once.
    if (rec) rec.onFail = (message) => this.line(c.n, `${message}; the connection goes on unrecorded`);
    rec?.meta({
      version: this.o.version, command: 'proxy', connection: c.n, source: c.upstreamUrl, path: c.path,
      subprotocol: c.subprotocol, ...(c.offered.length ? { offered: c.offered } : {}),
      ...(c.protocol ? { protocol: c.protocol } : {}), ...(c.callId ? { sideband: c.callId } : {}),
    });
    const view = this.o.view ? new ConnectionView(c.n, c.protocol, () => this.seen > 1, this.o.view) : null;
    const what = c.kind === 'sideband' ? `sideband of ${c.protocol === 'live' ? 'GPT-Live session' : 'call'} ${escapeControls(c.callId ?? '')}` : escapeControls(c.path);
    const sub = c.subprotocol ? ` (subprotocol ${escapeControls(c.subprotocol)})` : '';
    this.line(c.n, `${what}${sub} → ${rec ? rec.path : c.upstreamUrl}`);
    return new ConnectionLog(c, rec, view, this);
  }

  closed(log: ConnectionLog, text: string): void {
    this.frames += log.frames;
    this.bytes += log.bytes;
    this.line(log.n, text);
  }

  refused(n: number, path: string, status: number, message: string): void {
    this.line(n, `${escapeControls(path)}: ${escapeControls(message)}${status ? ` (the app got HTTP ${status})` : ''}`);
  }

  request(r: ForwardedRequest): void {
    if (this.o.view === null && !r.error) return; // --quiet: connections only
    const what = `${r.method} ${escapeControls(r.shown)}`;
    if (r.error && r.status === 502 && r.bytes === 0) this.o.say(`rtev: ${what}: ${escapeControls(r.error)} (the app got HTTP 502)`);
    else this.o.say(`rtev: ${what} → ${r.status} ${escapeControls(r.statusText)} (${bytes(r.bytes)}, ${r.ms} ms)${r.error ? `; ${escapeControls(r.error)}` : ''}`);
  }

  note(line: string): void {
    this.o.say(`rtev: ${line}`);
  }
}
