/**
 * What the page holds: one JSON object, made in one pass over the capture (build.ts) and read by the page's
 * script (client.ts). Times are ms on the call's time line (0 at the first timestamp), null when unknown.
 * Every string from the capture is data: the script shows it with textContent only.
 */
import type { LiveTurn } from '../session/live.js';
import type { Turn } from '../session/types.js';
import type { LogData } from './log.js';

export interface Figure {
  /** The test hook `data-stat`, and the raw number (`data-value`); null when the capture cannot tell. */
  stat: string;
  label: string;
  value: number | null;
  text: string;
}

export interface ConfigStep {
  seq: number;
  at: number | null;
  clock: string;
  kind: 'created' | 'update' | 'updated';
  /** `session.created`: the settings people look at first. */
  lines: [string, string][];
  changes: [string, string, string][];
  not_applied: [string, string, string][];
}

export interface SessionView {
  source: string;
  session_id: string | null;
  /** The configuration in force at the end, as `rtev session` shows it. */
  config: [string, string][];
  steps: ConfigStep[];
  stepsOmitted: number;
  notApplied: number;
  /** Audio went over WebRTC: output audio buffer events, no deltas. */
  webrtc: boolean;
}

export interface ResponseView {
  id: string;
  seq: number;
  out_of_band: boolean;
  created: number | null;
  done: number | null;
  status: string;
  reason: string | null;
  error: string | null;
  first_audio: number | null;
  /** Output audio on the line: where it starts, and the model's generated and heard lengths (ms). */
  audio: { start: number; generated: number; heard: number } | null;
  tokens: number | null;
  cost: number | null;
}

export interface ToolView {
  name: string;
  args: string;
  output: string | null;
  start: number | null;
  end: number | null;
  wait: number | null;
}

export interface ErrorView {
  code: string;
  message: string | null;
  seq: number;
  at: number | null;
  cause: string | null;
}

export interface Reply {
  /** How it ended, when it did not simply complete (`rtev transcript`'s words); null otherwise. */
  how: string | null;
  status: string;
  /** What was heard, and what was cut (said but never heard). */
  heard: string;
  rest: string;
  calls: { name: string; args: string; output: string | null }[];
}

export interface TurnView {
  /** `N`, or `S.N` when the page holds several sessions (turns count from 1 in each). */
  key: string;
  session: number;
  /** Exactly what `rtev turns --json` writes for this turn. */
  turn: Turn;
  at: number | null;
  end: number | null;
  /** End of the user's input (first audio − its latency), where the wait for an answer starts. */
  input_end: number | null;
  speech: [number, number] | null;
  responses: ResponseView[];
  tools: ToolView[];
  errors: ErrorView[];
  last_seq: number;
  /** The turns table's cells, as `rtev turns` writes them. */
  cells: Record<string, string>;
  /** The flags with why (`slow(model)`). */
  flags: string[];
  transcript: { user: string | null; replies: Reply[] };
}

export interface AudioView {
  rate: number;
  seconds: number;
  /** Per turn key: the stretches of the track (frames) that make its player: what the user heard of it. */
  turns: Record<string, [number, number][]>;
}

/**
 * GPT-Live and Realtime Translation, which have no Realtime turns: Live's turns (the two voices, gaps and
 * overlaps) and lines, Translation's segments. Times are ms on the session's audio clock.
 */
export interface VoicesView {
  /** GPT-Live: each turn as `rtev turns --json` writes it, and the table's cells as `rtev turns` writes them. */
  turns: { key: string; turn: LiveTurn; cells: Record<string, string> }[];
  /** GPT-Live: each voice's lines in time order; `overlap`: how long it began over the other voice. */
  lines: { voice: 'user' | 'assistant'; start: number | null; text: string; overlap: number }[];
  /** Translation: the source and its translation side by side. */
  segments: { start: number | null; source: string; translation: string }[];
  languages: { input: string | null; output: string | null } | null;
  /** Lines, turns or segments over the page's limit, left out. */
  omitted: number;
}

export interface ReportData {
  generator: string;
  title: string;
  sources: string[];
  /** The time line's origin (the first timestamp), ISO; null when the capture has none. */
  origin: string | null;
  /** The time line's extent, ms. */
  extent: number;
  span: { first: string | null; last: string | null; seconds: number | null };
  events: number;
  malformed: number;
  figures: Figure[];
  /** Short lines under the figures: responses by status, errors by code. */
  summary: string[];
  sessions: SessionView[];
  turns: TurnView[];
  turnsOmitted: number;
  audio: AudioView | null;
  /** Why there is no audio, or what was left out of it. */
  audioNotes: string[];
  log: LogData;
  /** What the page could not hold or the capture could not tell. */
  notes: string[];
  /** GPT-Live and Translation captures: what the page shows in place of Realtime's turns and transcript. */
  voices: VoicesView | null;
}
