/** The light palette: the default, and what paper gets. */
const LIGHT = `  --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --panel: #f6f8fa; --hover: #eef2f6;
  --accent: #0969da; --sel: #ddf4ff; --sel-border: #54aeff;
  --user: #1a7f37; --user-bg: #dafbe1; --assistant: #0969da; --assistant-bg: #ddf4ff; --unheard: #9aa4ae;
  --ok: #1a7f37; --resp: #8c959f; --warn: #9a6700; --warn-bg: #fff8c5; --err: #cf222e; --err-bg: #ffebe9; --tool: #8250df; --tool-bg: #fbefff;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;`;

/** The page's style: a plain developer-tool look, light and dark, readable on paper. */
export const STYLE = `
:root {
  color-scheme: light dark;
${LIGHT}
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --border: #30363d; --panel: #161b22; --hover: #1c2128;
    --accent: #4493f8; --sel: #0c2d6b; --sel-border: #1f6feb;
    --user: #3fb950; --user-bg: #12361f; --assistant: #4493f8; --assistant-bg: #0c2d6b; --unheard: #545d68;
    --ok: #3fb950; --resp: #6e7681; --warn: #d29922; --warn-bg: #3b2e0a; --err: #f85149; --err-bg: #4a1418; --tool: #a371f7; --tool-bg: #2c1d47;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { padding: 16px 24px 48px; max-width: 1600px; margin: 0 auto; }
h1 { font-size: 20px; margin: 0 0 2px; font-weight: 600; }
h2 { font-size: 15px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--border); font-weight: 600; }
.muted, .sub { color: var(--muted); }
.sub { margin: 0 0 10px; font-size: 13px; }
.mono, code, pre { font-family: var(--mono); font-size: 12.5px; }
.noscript { padding: 24px; }
.notes { margin: 8px 0; padding: 0; list-style: none; }
.notes li { margin: 4px 0; padding: 6px 10px; border-left: 3px solid var(--warn); background: var(--warn-bg); border-radius: 4px; }
.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 12px; font-size: 13px; }
.config dt { color: var(--muted); }
.config dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; margin: 10px 0; }
.figure { border: 1px solid var(--border); border-radius: 6px; padding: 8px 12px; background: var(--panel); }
.figure .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .l { color: var(--muted); font-size: 12px; }
.figure.bad .v { color: var(--err); }
.figure.warn .v { color: var(--warn); }
.summary { margin: 4px 0; color: var(--muted); font-size: 13px; }
button, select, input { font: inherit; font-size: 13px; color: var(--fg); background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: 3px 8px; }
button { cursor: pointer; }
button:hover { background: var(--hover); }
.toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
.legend { display: inline-flex; gap: 12px; flex-wrap: wrap; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 12px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.timeline { position: relative; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); overflow: hidden; user-select: none; touch-action: none; }
.timeline svg { display: block; width: 100%; cursor: grab; }
.timeline svg.dragging { cursor: grabbing; }
.lane-label { fill: var(--muted); font-size: 11px; }
.lane-bg { fill: var(--panel); }
.axis text { fill: var(--muted); font-size: 10px; }
.axis line { stroke: var(--border); }
.span { cursor: pointer; }
.span:hover { filter: brightness(1.15); }
.k-speech { fill: var(--user); }
.k-audio { fill: var(--assistant); }
.k-unheard { fill: var(--unheard); opacity: .55; }
.k-tool { fill: var(--tool); }
.k-error { fill: var(--err); }
.k-turn { fill: var(--border); opacity: .6; }
.k-turn.f-slow { fill: var(--warn); opacity: .8; }
.k-turn.f-interrupted { fill: var(--warn); opacity: .8; }
.k-turn.f-failed { fill: var(--err); opacity: .9; }
.s-completed { fill: var(--resp); }
.s-cancelled, .s-incomplete { fill: var(--warn); }
.s-failed { fill: var(--err); }
.s-unfinished, .s-unknown { fill: var(--muted); }
.span.selected { stroke: var(--fg); stroke-width: 2px; }
.wait { stroke: var(--muted); stroke-dasharray: 3 3; }
.wait.slow { stroke: var(--warn); stroke-width: 2px; stroke-dasharray: none; }
.wait-label { fill: var(--muted); font-size: 10px; }
.wait-label.slow { fill: var(--warn); font-weight: 600; }
.cut { stroke: var(--err); stroke-width: 2px; }
.turn-label { fill: var(--fg); font-size: 10px; pointer-events: none; }
.playhead { stroke: var(--err); stroke-width: 1.5px; pointer-events: none; }
.tip { position: fixed; z-index: 10; pointer-events: none; background: var(--fg); color: var(--bg); padding: 6px 9px; border-radius: 6px; font-size: 12px; max-width: 420px; box-shadow: 0 4px 12px rgba(0,0,0,.25); }
.tip div:first-child { font-weight: 600; }
.tip div { overflow-wrap: anywhere; }
.audio { display: grid; gap: 8px; }
.audio audio { width: 100%; max-width: 720px; }
.turn-players { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 6px 16px; }
.turn-player { display: flex; align-items: center; gap: 8px; font-size: 12px; }
.turn-player audio { height: 32px; flex: 1; min-width: 0; }
.table-wrap { overflow: auto; max-height: 560px; border: 1px solid var(--border); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--border); text-align: left; white-space: nowrap; }
th { position: sticky; top: 0; background: var(--panel); font-weight: 600; cursor: pointer; z-index: 1; }
th[aria-sort="ascending"]::after { content: " ▲"; font-size: 9px; }
th[aria-sort="descending"]::after { content: " ▼"; font-size: 9px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.user { max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
tr[data-turn] { cursor: pointer; }
tr[data-turn]:hover { background: var(--hover); }
tr[aria-selected="true"] { background: var(--sel); box-shadow: inset 3px 0 var(--sel-border); }
td.hot { color: var(--warn); font-weight: 600; }
td.bad { color: var(--err); font-weight: 600; }
.flag { display: inline-block; padding: 0 6px; margin-right: 3px; border-radius: 10px; font-size: 11px; background: var(--warn-bg); color: var(--warn); }
.flag.failed, .flag.no_response { background: var(--err-bg); color: var(--err); }
.transcript { display: grid; gap: 2px; }
.t-turn { content-visibility: auto; contain-intrinsic-size: auto 64px; display: grid; grid-template-columns: 70px 1fr; gap: 2px 12px; padding: 6px 8px; border-radius: 6px; cursor: pointer; }
.t-turn:hover { background: var(--hover); }
.t-turn.selected { background: var(--sel); }
.t-turn .n { color: var(--muted); font-size: 12px; }
.t-line { grid-column: 2; }
.t-who { display: inline-block; min-width: 72px; font-weight: 600; font-size: 12px; }
.t-who.user { color: var(--user); }
.t-who.assistant { color: var(--assistant); }
.t-who.tool { color: var(--tool); }
.t-segment .t-who { min-width: 128px; }
.t-how { color: var(--warn); font-style: italic; margin-right: 4px; }
.t-how.failed { color: var(--err); }
.t-unheard { color: var(--muted); text-decoration: line-through; }
.step { margin: 8px 0; }
.step-head { font-size: 13px; }
.step-head .muted { font-family: var(--mono); font-size: 12px; margin-right: 6px; }
.changes { margin: 2px 0 0 16px; font-family: var(--mono); font-size: 12px; }
.changes div { overflow-wrap: anywhere; }
.not-applied { color: var(--err); font-weight: 600; }
.log-view { position: relative; height: 440px; overflow: auto; border: 1px solid var(--border); border-radius: 6px; font-family: var(--mono); font-size: 12px; }
.log-row { position: absolute; left: 0; right: 0; height: 22px; line-height: 22px; display: grid; grid-template-columns: 64px 96px 16px 300px 200px 1fr; gap: 8px; padding: 0 8px; white-space: nowrap; cursor: pointer; }
.log-row > span { overflow: hidden; text-overflow: ellipsis; }
.log-row:hover { background: var(--hover); }
.log-row.in-turn { background: var(--sel); }
.log-row.target { box-shadow: inset 3px 0 var(--sel-border); }
.log-row.open { outline: 1px solid var(--accent); }
.log-row.e .text { color: var(--err); }
.log-row.w .text { color: var(--warn); }
.log-row .seq, .log-row .time, .log-row .ids { color: var(--muted); }
.fam-session, .fam-conversation { color: #1f883d; }
.fam-response { color: #0969da; }
.fam-audio, .fam-output_audio_buffer { color: #8250df; }
.fam-input_audio_buffer, .fam-transcription { color: #1a7f37; }
.fam-function_call, .fam-mcp { color: #bc4c00; }
.fam-error { color: var(--err); }
@media (prefers-color-scheme: dark) {
  .fam-session, .fam-conversation { color: #56d364; } .fam-response { color: #79c0ff; } .fam-audio, .fam-output_audio_buffer { color: #d2a8ff; }
  .fam-input_audio_buffer, .fam-transcription { color: #7ee787; } .fam-function_call, .fam-mcp { color: #ffa657; }
}
.json { margin: 8px 0 0; padding: 10px 12px; background: var(--panel); border: 1px solid var(--border); border-radius: 6px; max-height: 420px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.count { color: var(--muted); font-size: 12px; }
@media print {
  :root { color-scheme: light;
${LIGHT}
  }
  #audio, #log { display: none !important; }
  main { padding: 0; max-width: none; }
  .toolbar, .log-view, .json, .audio, .tip, button, .playhead { display: none !important; }
  .table-wrap { max-height: none; overflow: visible; border: 0; }
  th { position: static; }
  tr, .t-turn, .step { break-inside: avoid; }
  .t-turn { content-visibility: visible; }
  h2 { break-after: avoid; }
  .timeline { break-inside: avoid; }
  .print-only { display: block !important; }
}
.print-only { display: none; }
`;
