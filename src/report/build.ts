/**
 * The report in one streaming pass: the frames feed `stats`' tally (and through it the turn model), the event
 * log and the audio. What is kept: the model's turns as the page shows them, the log within its budgets, and the
 * audio within its cap, never the capture itself.
 */
import type { Frame } from '../events/frame.js';
import { escapeControls } from '../format/escape.js';
import { configLines, shownValue } from '../format/session-view.js';
import { bytes, ms, seconds, thousands, usd } from '../format/summary.js';
import { clockText } from '../format/transcript-live.js';
import type { LiveTurn, VoiceLine } from '../session/live.js';
import type { TranslationSegment } from '../session/translation.js';
import { outcome, splitHeard } from '../format/transcript.js';
import { heard, slowCause, status, user } from '../format/turns-table.js';
import { AudioFormats } from '../pipeline/audio-format.js';
import { Tally, type Stats } from '../pipeline/tally.js';
import { transcriptTurn } from '../pipeline/transcript.js';
import { summarizeConfig } from '../session/config.js';
import type { PriceBook } from '../session/cost.js';
import type { ConfigEntry, SessionSummary, TurnRecord } from '../session/types.js';
import { ReportAudio } from './audio.js';
import type { ConfigStep, Figure, ReportData, SessionView, TurnView, VoicesView } from './data.js';
import { EventLog, type LogBudget } from './log.js';

export interface BuildOptions {
  prices: PriceBook;
  slowMs: number;
  onNote?(text: string): void;
  /** Decode and embed the audio. */
  audio: boolean;
  /** The most bytes of audio (WAV) to embed. */
  maxAudioBytes: number;
  budget: LogBudget;
  generator: string;
}

/** Turns the page lists at most, and configuration steps per session. */
const MAX_TURNS = 20000;
const MAX_STEPS = 500;
/** GPT-Live lines and Translation segments the page lists at most. */
const MAX_LINES = 40000;

const clock = (t: number) => new Date(t).toISOString().slice(11, 23);

export class ReportBuilder {
  private readonly formats = new AudioFormats();
  private readonly tally: Tally;
  private readonly log: EventLog;
  private readonly audio: ReportAudio;
  private t0 = NaN;
  private config: ConfigEntry | null = null;
  private readonly sessions: SessionView[] = [];
  /** The session each source's frames belong to now (a source read twice starts a new one). */
  private readonly sessionOf = new Map<string, number>();
  private lastSource: string | null = null;
  private lastLine = 0;
  private readonly turns: TurnView[] = [];
  private turnsOmitted = 0;
  private voices: VoicesView | null = null;
  private readonly notes: string[] = [];

  constructor(private readonly o: BuildOptions) {
    this.tally = new Tally({
      prices: o.prices, slowMs: o.slowMs, keepText: true,
      voices: {
        onTurn: (t, source) => this.liveTurn(t, source),
        onLine: (l, source) => this.liveLine(l, source),
        onSegment: (seg, _source, languages) => this.segment(seg, languages),
      },
      onNote: (t) => {
        this.notes.push(t);
        o.onNote?.(t);
      },
      onTurn: (rec) => this.turn(rec),
      onConfig: (e) => this.step(e),
    });
    this.log = new EventLog(o.budget, this.formats);
    this.audio = new ReportAudio({ keep: o.audio, maxBytes: o.maxAudioBytes }, this.formats);
  }

  add(f: Frame): void {
    if (f.source !== this.lastSource || f.line < this.lastLine) {
      this.sessionOf.set(f.source, this.sessions.length);
      this.sessions.push({ source: f.source, session_id: null, config: [], steps: [], stepsOmitted: 0, notApplied: 0, webrtc: false });
    }
    this.lastSource = f.source;
    this.lastLine = f.line;
    this.formats.observe(f);
    const time = f.time;
    if (Number.isNaN(this.t0) && !Number.isNaN(time)) this.t0 = time;
    const at = time - this.t0;
    this.config = null;
    this.tally.add(f);
    // Audio is measured once here for the audio and the log (the length comes from the base64's length).
    const type = f.kind === 'event' ? f.tag.variant.type : '';
    const bytes = type === 'response.output_audio.delta' || type === 'input_audio_buffer.append' ? f.audioBytes() : 0;
    this.audio.add(f, at, bytes);
    // The model said, while reading this frame, which configuration step it is (if it is one).
    const step = this.config as ConfigEntry | null;
    this.log.add(f, at, bytes, step?.seq === f.seq ? step : undefined);
  }

  private rel = (ts: string | null): number => (ts === null ? NaN : Date.parse(ts) - this.t0);
  private relOrNull = (ts: string | null): number | null => {
    const t = this.rel(ts);
    return Number.isFinite(t) ? t : null;
  };

  private step(e: ConfigEntry): void {
    this.config = e;
    const s = this.sessions[this.sessions.length - 1];
    if (!s) return;
    s.notApplied += e.not_applied.length;
    if (s.steps.length >= MAX_STEPS) return void s.stepsOmitted++;
    const at = this.relOrNull(e.ts);
    const step: ConfigStep = {
      seq: e.seq, at, clock: at === null ? `#${e.seq}` : clock(this.t0 + at), kind: e.kind,
      lines: e.kind === 'created' ? configLines(summarizeConfig(e.config)) : [],
      changes: e.changes.map((c) => [escapeControls(c.path), shownValue(c.from), shownValue(c.to)]),
      not_applied: e.not_applied.map((c) => [escapeControls(c.path), shownValue(c.requested), shownValue(c.applied)]),
    };
    s.steps.push(step);
  }

  /** GPT-Live and Translation: what the page shows in place of turns and transcript (made on their first one). */
  private voicesView(): VoicesView {
    return (this.voices ??= { turns: [], lines: [], segments: [], languages: null, omitted: 0 });
  }
  private lastEnd: { source: string | null; user: number | null; assistant: number | null } = { source: null, user: null, assistant: null };

  private liveTurn(t: LiveTurn, source: string): void {
    const v = this.voicesView();
    if (v.turns.length >= MAX_TURNS) return void v.omitted++;
    const session = this.sessionOf.get(source) ?? 0;
    const cells = {
      time: t.user_ms ? clockText(t.user_ms.start) : t.assistant_ms ? clockText(t.assistant_ms.start) : `#${t.seq}`,
      user: t.user_transcript === null ? '–' : escapeControls(t.user_transcript),
      speech: t.user_ms ? seconds((t.user_ms.end - t.user_ms.start) / 1000) : '–',
      gap: ms(t.gap_ms),
      answer: t.assistant_ms ? seconds((t.assistant_ms.end - t.assistant_ms.start) / 1000) : '–',
      overlap: t.overlap_ms ? ms(t.overlap_ms) : '–',
      delegated: t.delegations ? String(t.delegations) : '–',
      assistant: t.assistant_transcript === null ? '' : escapeControls(t.assistant_transcript),
    };
    const turn = { ...t, user_transcript: t.user_transcript === null ? null : escapeControls(t.user_transcript), assistant_transcript: t.assistant_transcript === null ? null : escapeControls(t.assistant_transcript) };
    v.turns.push({ key: this.sessions.length > 1 ? `${session + 1}.${t.turn}` : String(t.turn), turn, cells });
  }

  private liveLine(l: VoiceLine, source: string): void {
    const v = this.voicesView();
    const e = this.lastEnd;
    if (e.source !== source) this.lastEnd = { source, user: null, assistant: null };
    const other = this.lastEnd[l.voice === 'user' ? 'assistant' : 'user'];
    const overlap = other !== null && l.start_ms !== null ? Math.max(0, other - l.start_ms) : 0;
    if (l.end_ms !== null) this.lastEnd[l.voice] = Math.max(this.lastEnd[l.voice] ?? l.end_ms, l.end_ms);
    if (v.lines.length >= MAX_LINES) return void v.omitted++;
    v.lines.push({ voice: l.voice, start: l.start_ms, text: escapeControls(l.text.replace(/\s+/g, ' ').trim()), overlap });
  }

  private segment(s: TranslationSegment, languages: { input: string | null; output: string | null }): void {
    const v = this.voicesView();
    v.languages = { input: languages.input === null ? null : escapeControls(languages.input), output: languages.output === null ? null : escapeControls(languages.output) };
    if (v.segments.length >= MAX_LINES) return void v.omitted++;
    const tidy = (x: string) => escapeControls(x.replace(/\s+/g, ' ').trim());
    v.segments.push({ start: s.start_ms, source: tidy(s.source), translation: tidy(s.translation) });
  }

  /** A turn the model handed out: what the page shows of it. The record itself is not kept. */
  private turn(rec: TurnRecord): void {
    const placements = rec.responses.map((r) => this.audio.placement(r.response_id));
    const speech = rec.speech ? this.audio.speech(rec.speech, this.rel) : null;
    if (this.turns.length >= MAX_TURNS) return void this.turnsOmitted++;
    const t = rec.turn;
    const session = this.sessionOf.get(rec.source) ?? 0;
    const rate = this.audio.rate;
    const responses = rec.responses.map((r, i) => {
      const p = placements[i];
      const g = r.audio_ms.generated;
      return {
        id: escapeControls(r.response_id), seq: r.seq, out_of_band: r.out_of_band,
        created: this.relOrNull(r.created), done: this.relOrNull(r.done),
        status: escapeControls(r.status), reason: r.status_reason === null ? null : escapeControls(r.status_reason),
        error: r.error?.message == null ? null : escapeControls(r.error.message),
        first_audio: this.relOrNull(r.first_audio),
        audio: p && rate && g !== null && g > 0 ? { start: (p.start / rate) * 1000, generated: g, heard: r.audio_ms.heard ?? g } : null,
        tokens: r.usage ? r.usage.total_tokens : null,
        cost: r.cost ? r.cost.total : null,
      };
    });
    const tools = rec.tools.map((c) => ({
      name: escapeControls(c.name), args: escapeControls(c.arguments), output: c.output === null ? null : escapeControls(c.output),
      start: this.relOrNull(c.arguments_done), end: this.relOrNull(c.output_sent), wait: c.wait_ms,
    }));
    const errors = rec.errors.map((e) => ({
      code: escapeControls(e.code), message: e.message === null ? null : escapeControls(e.message), seq: e.seq, at: this.relOrNull(e.ts),
      cause: e.caused_by ? `${e.caused_by.seq === null ? '' : `#${e.caused_by.seq} `}${escapeControls(e.caused_by.type ?? e.caused_by.event_id)}` : null,
    }));
    const at = this.relOrNull(t.start);
    const ends = [at, speech?.[1] ?? null, ...responses.flatMap((r) => [r.created, r.done, r.audio ? r.audio.start + r.audio.heard : null]), ...tools.map((c) => c.end), ...errors.map((e) => e.at)]
      .filter((x): x is number => x !== null);
    const firstAudio = responses.find((r) => !r.out_of_band && r.first_audio !== null)?.first_audio ?? null;
    const key = String(t.turn);
    const tr = transcriptTurn(rec, t.turn, NaN, false);
    this.turns.push({
      key, session, turn: t, at, end: ends.length ? Math.max(...ends) : null,
      input_end: firstAudio !== null && t.latency_ms.first_audio !== null ? firstAudio - t.latency_ms.first_audio : null,
      speech, responses, tools, errors, last_seq: rec.last_seq,
      cells: {
        time: at === null ? `#${t.seq}` : clock(this.t0 + at), user: user(t),
        speech: t.speech_ms === null ? '–' : ms(t.speech_ms), response: ms(t.latency_ms.response), first_audio: ms(t.latency_ms.first_audio),
        tool_wait: ms(t.latency_ms.tool_wait), heard: heard(t), status: status(t),
        tokens: t.usage ? thousands(t.usage.total_tokens) : '–', cost: t.cost_usd === null ? '–' : usd(t.cost_usd),
      },
      flags: t.flags.map((f) => {
        const c = f === 'slow' ? slowCause(t) : null;
        return c ? `slow(${c.part})` : f;
      }),
      transcript: {
        user: tr.user ? (tr.user.text ? escapeControls(tr.user.text) : tr.user.kind === 'text' ? '(empty)' : '(speech, not transcribed)') : null,
        replies: tr.assistant.map((r) => {
          const [h, rest] = splitHeard(r);
          return {
            how: outcome(r), status: escapeControls(r.status), heard: escapeControls(h), rest: escapeControls(rest),
            calls: r.calls.map((c) => ({ name: escapeControls(c.name), args: escapeControls(c.arguments), output: c.output === null ? null : escapeControls(c.output) })),
          };
        }),
      },
    });
  }

  /** The end of the capture: the page's data, the audio track (WAV) if any, and the events' JSON. */
  finish(sources: string[], malformed: number): { data: ReportData; wav: Buffer | null; json: string[] } {
    const stats = this.tally.result(sources, malformed);
    const summaries = this.tally.sessions;
    summaries.forEach((s, i) => this.endSession(s, i));
    if (this.sessions.length > 1) {
      // Turns count from 1 in each session: the page names them by session too.
      for (const t of this.turns) t.key = `${t.session + 1}.${t.turn.turn}`;
    }
    const log = this.log.finish();
    const { audio, notes: audioNotes, wav } = this.audioView(summaries);
    const notes = [...this.notes];
    if (Number.isNaN(this.t0)) notes.push('The capture has no timestamps: there is no timeline, and latency cannot be measured.');
    if (this.turnsOmitted) notes.push(`The page lists the first ${thousands(MAX_TURNS)} turns; ${thousands(this.turnsOmitted)} more are in the figures but not listed.`);
    if (log.omitted) notes.push(`The event log holds ${thousands(log.seq.length)} rows; ${thousands(log.omitted)} events from #${log.firstOmittedSeq} on are left out (errors are kept): see them with rtev cat.`);
    if (log.jsonOmitted) notes.push(`The JSON of ${thousands(log.jsonOmitted)} events is left out of the page (its budget is ${bytes(this.o.budget.jsonBytes)}): see them with rtev filter.`);
    const extent = Math.max(0, stats.span.seconds !== null ? stats.span.seconds * 1000 : 0, ...this.turns.map((t) => t.end ?? 0), audio ? audio.seconds * 1000 : 0);
    const data: ReportData = {
      generator: this.o.generator,
      title: sources.join(', '),
      sources,
      origin: Number.isNaN(this.t0) ? null : new Date(this.t0).toISOString(),
      extent,
      span: stats.span,
      events: stats.events,
      malformed,
      figures: figures(stats),
      summary: summaryLines(stats),
      sessions: this.sessions,
      turns: this.turns,
      turnsOmitted: this.turnsOmitted,
      audio,
      audioNotes,
      log,
      notes,
      voices: this.voices,
    };
    if (this.voices?.omitted) notes.push(`The page lists the first ${thousands(MAX_LINES)} lines and ${thousands(MAX_TURNS)} turns; ${thousands(this.voices.omitted)} more are in the figures but not listed.`);
    return { data, wav, json: this.log.json };
  }

  private endSession(s: SessionSummary, i: number): void {
    const v = this.sessions[i];
    if (!v) return;
    v.session_id = s.session_id === null ? null : escapeControls(s.session_id);
    v.config = s.config ? configLines(summarizeConfig(s.config)) : [];
    v.webrtc = s.audio.output_bytes === 0 && s.audio.output_seconds === null;
  }

  private audioView(summaries: SessionSummary[]): { audio: ReportData['audio']; notes: string[]; wav: Buffer | null } {
    const notes: string[] = [];
    for (const label of this.audio.unknown) notes.push(`Audio in a format rtev cannot decode (${escapeControls(label)}) is left out.`);
    const track = this.audio.track;
    if (!this.o.audio) {
      notes.push('Audio was left out of this page (--no-audio).');
      return { audio: null, notes, wav: null };
    }
    if ((!track || track.length === 0) && this.voices) {
      // The page places Realtime's audio only; say so rather than that there is none.
      notes.push(`The ${this.voices.segments.length ? 'Realtime Translation' : 'GPT-Live'} audio of this capture is not placed on this page: rtev audio writes it as WAV.`);
      return { audio: null, notes, wav: null };
    }
    if (!track || track.length === 0) {
      const webrtc = summaries.some((s) => s.audio.output_bytes === 0 && s.audio.output_seconds === null);
      notes.push(webrtc ? 'The audio of this call went over WebRTC: it is not in the event stream, so there is nothing to play.'
        : 'The capture holds no audio: no output audio deltas and no input audio appends.');
      return { audio: null, notes, wav: null };
    }
    const rate = track.rate;
    if (Number.isNaN(this.t0)) notes.push('Without timestamps the audio is placed one piece after another, not at its real time.');
    if (track.firstDropped !== null) {
      const [u, a] = track.dropped;
      notes.push(`Audio after ${ms((track.firstDropped / rate) * 1000)} is left out: the page holds at most ${bytes(this.o.maxAudioBytes)} of audio (--max-audio-mb). ` +
        `Not in it: ${ms((u / rate) * 1000)} of the user's and ${ms((a / rate) * 1000)} of the assistant's audio.`);
    }
    const turns: Record<string, [number, number][]> = {};
    let cut = 0;
    for (const t of this.turns) {
      const parts: [number, number][] = [];
      let whole = true;
      for (const r of t.responses) {
        if (r.out_of_band || !r.audio || r.audio.heard <= 0) continue;
        const start = Math.round((r.audio.start / 1000) * rate);
        const n = Math.round((r.audio.heard / 1000) * rate);
        if (start + n > track.length) whole = false;
        parts.push([start, n]);
      }
      if (!parts.length) continue;
      if (whole) turns[t.key] = parts;
      else cut++;
    }
    if (cut) notes.push(`${thousands(cut)} turn${cut === 1 ? '' : 's'} past the audio cap have no player.`);
    return { audio: { rate, seconds: track.length / rate, turns }, notes, wav: track.wav() };
  }
}

function figures(s: Stats): Figure[] {
  if (s.live && s.protocol === 'live') {
    const l = s.live;
    return [
      { stat: 'turns', label: 'turns', value: l.turns.total, text: thousands(l.turns.total) },
      { stat: 'gap_p50', label: 'gap p50', value: l.gap_ms.p50, text: ms(l.gap_ms.p50) },
      { stat: 'gap_p90', label: 'gap p90', value: l.gap_ms.p90, text: ms(l.gap_ms.p90) },
      { stat: 'barge_in', label: 'barge-ins', value: l.turns.barge_in, text: thousands(l.turns.barge_in) },
      { stat: 'usage_seconds', label: 'usage', value: l.usage_seconds, text: l.usage_seconds === null ? '–' : seconds(l.usage_seconds) },
      { stat: 'context_max', label: 'context window (max)', value: l.context_window.max_ratio, text: l.context_window.max_ratio === null ? '–' : `${(l.context_window.max_ratio * 100).toFixed(1)}%` },
    ];
  }
  if (s.translation && s.protocol === 'translation') {
    const t = s.translation;
    return [
      { stat: 'seconds_translated', label: 'translated', value: t.seconds_translated, text: t.seconds_translated === null ? '–' : seconds(t.seconds_translated) },
      { stat: 'segments', label: 'segments', value: t.segments, text: thousands(t.segments) },
    ];
  }
  const fa = s.latency_ms.first_audio;
  const cost = s.cost_usd?.total ?? null;
  return [
    { stat: 'turns', label: 'turns', value: s.turns.total, text: thousands(s.turns.total) },
    { stat: 'first_audio_p50', label: 'first audio p50', value: fa.p50, text: ms(fa.p50) },
    { stat: 'first_audio_p90', label: 'first audio p90', value: fa.p90, text: ms(fa.p90) },
    { stat: 'interrupted', label: 'interrupted', value: s.turns.interrupted, text: thousands(s.turns.interrupted) },
    { stat: 'failed', label: 'failed', value: s.turns.failed, text: thousands(s.turns.failed) },
    { stat: 'total_tokens', label: 'tokens', value: s.usage.total_tokens, text: thousands(s.usage.total_tokens) },
    { stat: 'cost_usd', label: 'cost', value: cost, text: cost === null ? 'unknown' : usd(cost) },
  ];
}

function summaryLines(s: Stats): string[] {
  const errs = Object.entries(s.errors).map(([k, n]) => `${escapeControls(k)} ${thousands(n)}`).join(', ');
  if (s.live && s.protocol === 'live') {
    const closed = Object.keys(s.live.closed).map(escapeControls).join(', ');
    return [
      `${thousands(s.events)} events · GPT-Live · ${thousands(s.live.delegations)} delegations · closed: ${closed || 'no session.closed'}`,
      `turns: ${s.live.turns.barge_in} barge-in, ${s.live.turns.talked_over} talked over, ${s.live.turns.long_gap} long gap, ${s.live.turns.no_answer} no answer`,
      `errors: ${errs || 'none'}`,
    ];
  }
  if (s.translation && s.protocol === 'translation') {
    const langs = (l: string[]) => (l.length ? l.map(escapeControls).join(', ') : '?');
    return [`${thousands(s.events)} events · Realtime Translation · ${langs(s.translation.languages.input)} → ${langs(s.translation.languages.output)}`, `errors: ${errs || 'none'}`];
  }
  const r = s.responses;
  const status = Object.entries(r.status).map(([k, n]) => `${thousands(n)} ${escapeControls(k)}`).join(', ');
  const errors = Object.entries(s.errors).map(([k, n]) => `${escapeControls(k)} ${thousands(n)}`).join(', ');
  const t = s.turns;
  return [
    `${thousands(s.events)} events · ${thousands(r.total)} responses${status ? `: ${status}` : ''}`,
    `turns: ${t.interrupted} interrupted, ${t.slow} slow, ${t.failed} failed, ${t.short_barge_in} short barge-in, ${t.tool_dead_air} tool dead air`,
    `errors: ${errors || 'none'}`,
  ];
}
