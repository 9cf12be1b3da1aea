/**
 * Frames in, table rows out. Each source is one session with its own turn model (src/session/): the model's
 * turns, responses and summary become the `turns`, `responses` and `sessions` rows, so the export's figures
 * are exactly those of `rtev turns` and `rtev stats`; frames become `events` rows as they pass.
 *
 * A row names its session, which a capture tells only in `session.created`, usually its first frame. Until it
 * is seen (at most HEAD frames), a session's rows wait; after that the session is named from its source.
 */
import type { Protocol } from '../events/catalogue.js';
import { ID_RANGE, type Frame } from '../events/frame.js';
import { AudioFormats } from '../pipeline/audio-format.js';
import type { PriceBook } from '../session/cost.js';
import { ERROR_EVENT_TYPES, errorCode, fallbackCode } from '../session/errors.js';
import { SessionModel } from '../session/model.js';
import { Totals } from '../session/totals.js';
import type { TurnRecord } from '../session/types.js';
import type { Value } from './columns.js';
import { AUDIO_PAYLOAD, eventJson } from './event-json.js';
import { EVENTS, EVENTS_NO_JSON, type EventInput } from './events-table.js';
import { RESPONSES } from './responses-table.js';
import type { Table, TableName, SessionKey } from './schema.js';
import { SESSIONS } from './sessions-table.js';
import { TURNS } from './turns-table.js';

/** Where rows go (the export folder): `date` is the session's start day, UTC, for partitioning. */
export interface RowSink {
  write(table: TableName, date: string | null, row: readonly Value[]): void;
}

export interface ExporterOptions {
  prices: PriceBook;
  slowMs?: number;
  onNote?(text: string): void;
  /** Keep the events' `json` column (default true). */
  json?: boolean;
}

/** Frames a session's rows wait for its `session.created`. */
const HEAD = 512;

function row<T>(t: Table<T>, x: T): Value[] {
  const cols = t.columns;
  const out = new Array<Value>(cols.length);
  for (let i = 0; i < cols.length; i++) out[i] = cols[i]!.of(x);
  return out;
}

/** The UTC day of an ISO time, or null. */
function dayOf(iso: string | null): string | null {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

class SessionExport {
  readonly key: SessionKey;
  readonly model: SessionModel;
  readonly totals = new Totals();
  readonly formats = new AudioFormats();
  readonly protocol: Protocol;
  readonly firstLine: number;
  date: string | null = null;
  resolved = false;
  createdId: string | null = null;
  pending: [TableName, Value[]][] = [];
  frames = 0;
  first: string | null = null;
  last: string | null = null;
  /** The response and item ids met last: a run of deltas names the same ones, compared on the bytes. */
  responseId: string | null = null;
  itemId: string | null = null;
  /** `error` events of protocols the turn model does not read, by code (as `stats` counts them). */
  readonly otherErrors = new Map<string, number>();

  constructor(f: Frame, o: ExporterOptions, onTurn: (s: SessionExport, rec: TurnRecord) => void) {
    this.key = { id: null, source: f.source };
    this.protocol = f.tag.variant.protocol;
    this.firstLine = f.line;
    this.model = new SessionModel(f.source, { prices: o.prices, slowMs: o.slowMs, onNote: o.onNote, onTurn: (rec) => onTurn(this, rec) });
  }
}

/**
 * A frame's `event_id` for its row: its bytes when they are plain ASCII (nearly always; no string is made), else
 * the string JSON.parse gives. Other bytes may be invalid UTF-8, which a Parquet UTF8 column must not hold (DuckDB
 * refuses the file), or a lone surrogate escaped, which JSONL keeps as written.
 */
function eventIdValue(f: Frame): Value {
  const b = f.eventIdBytes();
  if (b === null) return null;
  const s = ID_RANGE[0]!, e = ID_RANGE[1]!;
  for (let i = s; i < e; i++) if (b[i]! >= 0x80) return f.field('event_id') ?? null;
  return b.subarray(s, e);
}

export class Exporter {
  private cur: SessionExport | null = null;
  private lastLine = 0;
  private readonly events: Table<EventInput>;
  readonly counts = { sessions: 0 };

  constructor(private readonly sink: RowSink, private readonly o: ExporterOptions) {
    this.events = o.json === false ? EVENTS_NO_JSON : EVENTS;
  }

  add(f: Frame): void {
    // A new source, or the same file given again (its lines start over): a new session, as the model sees it.
    if (!this.cur || this.cur.key.source !== f.source || f.line < this.lastLine) {
      this.endSession();
      this.cur = new SessionExport(f, this.o, (s, rec) => this.turn(s, rec));
    }
    this.lastLine = f.line;
    const s = this.cur;
    // Positions count in each source, so a session's numbers do not depend on what else the run read.
    f.seq = ++s.frames;
    const ts = f.ts;
    if (ts !== null) {
      if (s.first === null) s.first = ts;
      s.last = ts;
    }
    s.model.add(f);
    this.emit(s, 'events', row(this.events, this.eventInput(s, f, ts)));
    if (!s.resolved && (s.createdId !== null || s.frames >= HEAD)) this.resolve(s);
  }

  /** End the last session. */
  finish(): void {
    this.endSession();
  }

  private eventInput(s: SessionExport, f: Frame, ts: string | null): EventInput {
    let audioBytes: number | null = null;
    let audioMs: number | null = null;
    let code: string | null = null;
    if (f.kind === 'event') {
      const type = f.tag.variant.type;
      const realtime = f.tag.variant.protocol === 'realtime';
      s.formats.observe(f);
      if (AUDIO_PAYLOAD.has(type)) {
        audioBytes = f.audioBytes();
        // Each protocol's formats (GPT-Live's session.audio.format, Translation's sample_rate): see AudioFormats.
        const bps = s.formats.of(f).bytesPerSecond;
        audioMs = Number.isFinite(bps) ? (audioBytes * 1000) / bps : null;
      } else if (ERROR_EVENT_TYPES.has(type) && f.direction === 'server') {
        code = errorCode(f.tryJson()?.error, fallbackCode(type));
        if (!realtime) s.otherErrors.set(code, (s.otherErrors.get(code) ?? 0) + 1);
      } else if (type === 'response.done') {
        const r = f.tryJson()?.response;
        if (r?.status === 'failed') code = errorCode(r.status_details?.error, 'unknown');
      } else if ((type === 'session.created' || type === 'session.started') && s.createdId === null) {
        const id = f.tryJson()?.session?.id;
        if (typeof id === 'string' && id !== '') s.createdId = id;
      }
    }
    let rid = s.responseId, iid = s.itemId;
    if (rid === null || !f.fieldEquals('response_id', rid)) {
      rid = f.field('response_id') ?? null;
      if (rid !== null) s.responseId = rid;
    }
    if (iid === null || !f.fieldEquals('item_id', iid)) {
      iid = f.field('item_id') ?? null;
      if (iid !== null) s.itemId = iid;
    }
    return {
      session: s.key, f, seq: f.seq, ts: ts === null ? null : f.time,
      eventId: eventIdValue(f), responseId: rid, itemId: iid,
      audioBytes, audioMs, errorCode: code, json: this.o.json === false ? null : eventJson(f),
    };
  }

  private turn(s: SessionExport, rec: TurnRecord): void {
    s.totals.addTurn(rec);
    this.emit(s, 'turns', row(TURNS, { session: s.key, rec }));
    for (const r of rec.responses) this.emit(s, 'responses', row(RESPONSES, { session: s.key, r }));
  }

  private emit(s: SessionExport, table: TableName, r: Value[]): void {
    if (s.resolved) this.sink.write(table, s.date, r);
    else s.pending.push([table, r]);
  }

  /** Name the session and let its waiting rows go. `session_id` is every table's first column. */
  private resolve(s: SessionExport): void {
    s.key.id = s.createdId ?? `${s.key.source}#${s.firstLine}`;
    s.date = dayOf(s.first);
    s.resolved = true;
    for (const [table, r] of s.pending) {
      r[0] = s.key.id;
      this.sink.write(table, s.date, r);
    }
    s.pending = [];
  }

  private endSession(): void {
    const s = this.cur;
    if (!s) return;
    this.cur = null;
    const summary = s.model.finish();
    if (!s.resolved) this.resolve(s);
    s.totals.addSession(summary);
    for (const [code, n] of s.otherErrors) s.totals.errors.add(code, n);
    this.sink.write('sessions', s.date, row(SESSIONS, {
      session: s.key, summary, totals: s.totals, protocol: s.protocol, first: s.first, last: s.last, frames: s.frames,
    }));
    this.counts.sessions++;
  }
}

/** Each table's columns, for the writers. */
export function tableColumns(json: boolean): Record<TableName, Table<any>['columns']> {
  return { events: (json ? EVENTS : EVENTS_NO_JSON).columns, responses: RESPONSES.columns, turns: TURNS.columns, sessions: SESSIONS.columns };
}
