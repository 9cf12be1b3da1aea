/**
 * The page's script. It runs in the browser, not in Node: `page.ts` embeds this function's source
 * (`client.toString()`), so it must use nothing from outside its own body (type imports are erased).
 *
 * Safety: every string from the capture reaches the page as a Text node (`append(string)`, `textContent`); no
 * markup is ever parsed from data, no attribute is named by data, and no URL is made from data.
 */
import type { ReportData, ResponseView, TurnView } from './data.js';

export function client(): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const ROW_H = 22;
  const byId = (id: string) => document.getElementById(id)!;
  const data = JSON.parse(byId('rtev-data').textContent || '{}') as ReportData;
  const root = byId('report');
  const multi = data.sessions.length > 1;

  type Kid = Node | string | null | undefined | false;
  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string> | null, ...kids: Kid[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]!);
    for (const k of kids) if (k !== null && k !== undefined && k !== false) e.append(k);
    return e;
  }
  function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
    const e = document.createElementNS(SVG, tag) as SVGElement;
    for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // --- formatting (as rtev's terminal output) -----------------------------------------------------------------
  const seconds = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : s < 600 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);
  const ms = (x: number | null) => (x === null ? '–' : Math.abs(x) < 1000 ? `${Math.round(x)} ms` : seconds(x / 1000));
  const origin = data.origin === null ? NaN : Date.parse(data.origin);
  const clock = (t: number | null) => (t === null || Number.isNaN(origin) ? '' : new Date(origin + t).toISOString().slice(11, 23));
  /** A time on the line as m:ss (with `digits` decimals): what the axis and the transcript show. */
  const rel = (t: number, digits = 1) => {
    const sign = t < 0 ? '-' : '';
    const s = Math.abs(t) / 1000;
    const m = Math.floor(s / 60);
    const rest = (s - m * 60).toFixed(digits);
    return `${sign}${m}:${Number(rest) < 10 ? '0' : ''}${rest}`;
  };
  const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;
  const turnLabel = (t: TurnView) => (multi ? `turn ${t.key}` : `turn ${t.turn.turn}`);
  const turnAttrs = (t: TurnView): Record<string, string> => (multi ? { 'data-turn': String(t.turn.turn), 'data-session': String(t.session + 1) } : { 'data-turn': String(t.turn.turn) });

  // --- long lists: the first rows at once, the rest a slice per task, so that the page answers from the start --
  const unfinished: (() => void)[] = [];
  function progressive<T>(items: T[], build: (x: T) => void, first = 150, step = 300): void {
    let i = 0;
    const run = (n: number) => {
      const end = Math.min(items.length, i + n);
      for (; i < end; i++) build(items[i]!);
      return i >= items.length;
    };
    if (run(first)) return;
    const rest = () => { run(Infinity); };
    unfinished.push(rest);
    const tick = () => {
      if (!unfinished.includes(rest)) return;
      if (run(step)) unfinished.splice(unfinished.indexOf(rest), 1);
      else setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
  }
  /** Every list complete now (before a selection or a sort needs all rows). */
  function finishLists(): void {
    for (const rest of unfinished.splice(0)) rest();
  }

  // --- selection: one turn at a time, shown in the table, the timeline, the transcript and the log --------------
  let selected: TurnView | null = null;
  const rowOf = new Map<TurnView, HTMLTableRowElement>();
  const transcriptOf = new Map<TurnView, HTMLElement>();
  const listeners: ((t: TurnView, seq: number) => void)[] = [];

  function select(t: TurnView, seq?: number, at?: number | null): void {
    finishLists();
    if (selected) {
      rowOf.get(selected)?.setAttribute('aria-selected', 'false');
      transcriptOf.get(selected)?.classList.remove('selected');
    }
    selected = t;
    const row = rowOf.get(t);
    if (row) {
      row.setAttribute('aria-selected', 'true');
      const wrap = row.closest('.table-wrap') as HTMLElement | null;
      if (wrap) {
        const top = row.offsetTop - wrap.clientHeight / 3;
        wrap.scrollTop = Math.max(0, top);
      }
    }
    transcriptOf.get(t)?.classList.add('selected');
    for (const l of listeners) l(t, seq ?? t.turn.seq);
    if (at !== undefined && at !== null) seek(at);
  }

  let seek: (at: number) => void = () => {};

  // --- header ---------------------------------------------------------------------------------------------------
  function header(): HTMLElement {
    const h = el('header');
    h.append(el('h1', null, 'rtev report ', el('span', { class: 'muted' }, data.title)));
    const span = data.span.first && data.span.last
      ? `${data.span.first.replace('T', ' ').replace('Z', '')} → ${data.span.last.slice(11).replace('Z', '')} UTC · ${data.span.seconds === null ? '' : seconds(data.span.seconds)}`
      : 'no timestamps';
    h.append(el('p', { class: 'sub' }, `${span} · ${plural(data.events, 'event')}${data.malformed ? ` · ${plural(data.malformed, 'malformed line')}` : ''} · ${data.generator}`));
    const s = data.sessions[0];
    if (s && s.config.length) {
      const dl = el('dl', { class: 'config' });
      if (multi) dl.append(el('dt', null, 'sessions'), el('dd', null, `${data.sessions.length}: ${data.sessions.map((x) => x.source).join(', ')} (the first one's configuration below)`));
      for (const [k, v] of s.config) dl.append(el('dt', null, k), el('dd', null, v));
      h.append(dl);
    }
    const figs = el('div', { class: 'figures' });
    for (const f of data.figures) {
      const bad = (f.stat === 'failed' || f.stat === 'interrupted') && (f.value ?? 0) > 0;
      figs.append(el('div', { class: `figure${bad ? (f.stat === 'failed' ? ' bad' : ' warn') : ''}` },
        el('div', { class: 'v', 'data-stat': f.stat, 'data-value': f.value === null ? 'null' : String(f.value) }, f.text),
        el('div', { class: 'l' }, f.label)));
    }
    h.append(figs);
    for (const line of data.summary) h.append(el('p', { class: 'summary' }, line));
    if (data.notes.length) h.append(el('ul', { class: 'notes' }, ...data.notes.map((n) => el('li', null, n))));
    return h;
  }

  // --- timeline -------------------------------------------------------------------------------------------------
  interface Span { kind: string; cls: string; lane: number; x0: number; x1: number; turn: TurnView; tip: string[]; seq: number; label?: string }
  const LANES = ['turns', 'user speech', 'assistant audio', 'responses', 'tools', 'errors'];

  function spansOf(t: TurnView): { spans: Span[]; waits: { x0: number; x1: number; slow: boolean }[]; cuts: number[] } {
    const spans: Span[] = [];
    const waits: { x0: number; x1: number; slow: boolean }[] = [];
    const cuts: number[] = [];
    const tt = t.turn;
    const flags = t.flags.join(' ');
    if (t.at !== null) {
      spans.push({ kind: 'turn', cls: `k-turn ${tt.flags.map((f) => `f-${f}`).join(' ')}`, lane: 0, x0: t.at, x1: t.end ?? t.at, turn: t, seq: tt.seq, label: `#${t.key}`,
        tip: [`${turnLabel(t)} · ${tt.input}`, t.cells.user!, `first audio ${t.cells.first_audio} · response ${t.cells.response} · ${t.cells.status}`, flags ? `flags: ${flags}` : ''] });
    }
    if (t.speech) {
      spans.push({ kind: 'speech', cls: 'k-speech', lane: 1, x0: t.speech[0], x1: t.speech[1], turn: t, seq: tt.seq,
        tip: [`user speech · ${turnLabel(t)}`, t.cells.user!, `${ms(tt.speech_ms)} on the server's audio clock`] });
    }
    for (const r of t.responses) responseSpans(t, r, spans, cuts);
    if (t.input_end !== null) {
      const first = t.responses.find((r) => !r.out_of_band && r.first_audio !== null);
      if (first) waits.push({ x0: t.input_end, x1: first.first_audio!, slow: tt.flags.includes('slow') });
    }
    for (const c of t.tools) {
      if (c.start === null) continue;
      spans.push({ kind: 'tool', cls: 'k-tool', lane: 4, x0: c.start, x1: c.end ?? c.start, turn: t, seq: tt.seq,
        tip: [`tool ${c.name} · ${turnLabel(t)}`, `arguments ${c.args}`, c.output === null ? 'no output sent' : `output ${c.output}`, `wait ${ms(c.wait)}`] });
    }
    for (const e of t.errors) {
      if (e.at === null) continue;
      spans.push({ kind: 'error', cls: 'k-error', lane: 5, x0: e.at, x1: e.at, turn: t, seq: e.seq,
        tip: [`error ${e.code} · ${turnLabel(t)}`, e.message ?? '', e.cause ? `caused by ${e.cause}` : ''] });
    }
    return { spans, waits, cuts };
  }

  function responseSpans(t: TurnView, r: ResponseView, spans: Span[], cuts: number[]): void {
    const start = r.created ?? r.done;
    if (start !== null) {
      const end = r.done ?? data.extent;
      spans.push({ kind: 'response', cls: `s-${r.status}`, lane: 3, x0: start, x1: Math.max(start, end), turn: t, seq: r.seq,
        tip: [`response ${r.id} · ${turnLabel(t)}${r.out_of_band ? ' · out of band' : ''}`, `${r.status}${r.reason ? ` (${r.reason})` : ''}${r.error ? `: ${r.error}` : ''}`,
          `created → done ${r.created !== null && r.done !== null ? ms(r.done - r.created) : '–'} · first audio ${r.first_audio !== null && r.created !== null ? ms(r.first_audio - r.created) : '–'}`,
          `${r.tokens === null ? 'no usage' : `${r.tokens.toLocaleString('en-US')} tokens`}${r.cost === null ? '' : ` · $${r.cost.toFixed(4)}`}`] });
    }
    const a = r.audio;
    if (!a) return;
    const heard = Math.min(a.heard, a.generated);
    spans.push({ kind: 'audio', cls: 'k-audio', lane: 2, x0: a.start, x1: a.start + heard, turn: t, seq: r.seq,
      tip: [`assistant audio · ${turnLabel(t)}`, heard < a.generated ? `heard ${ms(heard)} of ${ms(a.generated)} generated (cut)` : `${ms(a.generated)}, all heard`, `response ${r.id}`] });
    if (heard < a.generated) {
      spans.push({ kind: 'audio', cls: 'k-unheard', lane: 2, x0: a.start + heard, x1: a.start + a.generated, turn: t, seq: r.seq,
        tip: [`assistant audio never heard · ${turnLabel(t)}`, `${ms(a.generated - heard)} generated after the cut`] });
      cuts.push(a.start + heard);
    }
  }

  function timeline(): HTMLElement {
    const sec = el('section', { id: 'timeline' }, el('h2', null, 'Timeline'));
    if (Number.isNaN(origin)) {
      sec.append(el('p', { class: 'muted' }, 'The capture has no timestamps, so its events cannot be placed in time.'));
      return sec;
    }
    const all = data.turns.map(spansOf);
    const spans = all.flatMap((x) => x.spans);
    const waits = all.flatMap((x) => x.waits);
    const cuts = all.flatMap((x) => x.cuts);
    const full = Math.max(data.extent, 1000);
    let v0 = -full * 0.01;
    let v1 = full * 1.01;
    let playhead: number | null = null;

    const legend = el('span', { class: 'legend' },
      ...[['var(--user)', 'user speech'], ['var(--assistant)', 'assistant audio (heard)'], ['var(--unheard)', 'generated, not heard'],
        ['var(--resp)', 'response completed'], ['var(--warn)', 'cancelled / slow'], ['var(--err)', 'failed / error'], ['var(--tool)', 'tool call']]
        .map(([c, l]) => { const i = el('i'); i.style.background = c!; return el('span', null, i, l!); }));
    const zoom = (f: number) => { const mid = (v0 + v1) / 2; const w = Math.max(50, (v1 - v0) * f); v0 = mid - w / 2; v1 = mid + w / 2; draw(); };
    const bIn = el('button', { type: 'button', title: 'zoom in' }, '+');
    const bOut = el('button', { type: 'button', title: 'zoom out' }, '−');
    const bFit = el('button', { type: 'button', title: 'show the whole call' }, 'fit');
    bIn.addEventListener('click', () => zoom(0.5));
    bOut.addEventListener('click', () => zoom(2));
    bFit.addEventListener('click', () => { v0 = -full * 0.01; v1 = full * 1.01; draw(); });
    sec.append(el('div', { class: 'toolbar' }, bOut, bIn, bFit, el('span', { class: 'muted' }, 'wheel or pinch: zoom · drag: pan · click: select a turn, play from there'), legend));

    const box = el('div', { class: 'timeline' });
    const plot = svg('svg', { role: 'img', 'aria-label': 'timeline of the call' }) as SVGSVGElement;
    box.append(plot);
    sec.append(box);
    const tip = el('div', { class: 'tip', hidden: '' });
    document.body.append(tip);

    const LEFT = 104;
    const TOP = 22;
    const LANE = 22;
    const GAP = 6;
    const height = TOP + LANES.length * (LANE + GAP) + 4;
    plot.setAttribute('height', String(height));
    let width = 800;
    const x = (t: number) => LEFT + ((t - v0) / (v1 - v0)) * (width - LEFT - 8);
    const tAt = (px: number) => v0 + ((px - LEFT) / (width - LEFT - 8)) * (v1 - v0);
    const laneY = (i: number) => TOP + i * (LANE + GAP);
    let drawn: Span[] = [];

    function draw(): void {
      width = box.clientWidth || 800;
      plot.setAttribute('viewBox', `0 0 ${width} ${height}`);
      plot.replaceChildren();
      const axis = svg('g', { class: 'axis' });
      const span = v1 - v0;
      const steps = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000];
      const step = steps.find((s) => span / s <= (width - LEFT) / 80) ?? 3600000;
      for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
        const px = x(t);
        axis.append(svg('line', { x1: px, x2: px, y1: TOP - 4, y2: height }));
        axis.append(svg('text', { x: px + 2, y: 12 }, rel(t, step < 100 ? 2 : step < 1000 ? 1 : 0)));
      }
      plot.append(axis);
      LANES.forEach((name, i) => {
        plot.append(svg('rect', { class: 'lane-bg', x: LEFT, y: laneY(i), width: width - LEFT - 8, height: LANE, rx: 3 }));
        plot.append(svg('text', { class: 'lane-label', x: 6, y: laneY(i) + LANE / 2 + 4 }, name));
      });
      const inView = (a: number, b: number) => b >= v0 && a <= v1;
      for (const w of waits) {
        if (!inView(w.x0, w.x1)) continue;
        const y = laneY(2) + LANE / 2;
        plot.append(svg('line', { class: `wait${w.slow ? ' slow' : ''}`, x1: x(w.x0), x2: x(w.x1), y1: y, y2: y }));
        if (x(w.x1) - x(w.x0) > 34) plot.append(svg('text', { class: `wait-label${w.slow ? ' slow' : ''}`, x: x(w.x0) + 2, y: y - 3 }, ms(w.x1 - w.x0)));
      }
      drawn = [];
      for (const s of spans) {
        if (!inView(s.x0, s.x1)) continue;
        const px0 = Math.max(LEFT - 2, x(s.x0));
        const px1 = Math.min(width, x(s.x1));
        const w = Math.max(s.kind === 'error' ? 4 : 2, px1 - px0);
        const pad = s.kind === 'turn' ? 5 : 3;
        const attrs: Record<string, string | number> = {
          class: `span ${s.cls}${selected === s.turn ? ' selected' : ''}`, x: s.kind === 'error' ? px0 - 2 : px0, y: laneY(s.lane) + pad,
          width: w, height: LANE - pad * 2, rx: 2, 'data-kind': s.kind, 'data-i': drawn.length, 'data-turn': s.turn.turn.turn,
        };
        if (multi) attrs['data-session'] = s.turn.session + 1;
        plot.append(svg('rect', attrs));
        if (s.label && w > 26) plot.append(svg('text', { class: 'turn-label', x: px0 + 3, y: laneY(s.lane) + LANE / 2 + 3.5 }, s.label));
        drawn.push(s);
      }
      for (const c of cuts) if (inView(c, c)) plot.append(svg('line', { class: 'cut', x1: x(c), x2: x(c), y1: laneY(2) + 1, y2: laneY(2) + LANE - 1 }));
      if (playhead !== null && inView(playhead, playhead)) plot.append(svg('line', { class: 'playhead', x1: x(playhead), x2: x(playhead), y1: TOP - 4, y2: height }));
    }

    const spanAt = (target: EventTarget | null): Span | null => {
      const i = target instanceof Element ? target.getAttribute('data-i') : null;
      return i === null ? null : drawn[Number(i)] ?? null;
    };
    plot.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = plot.getBoundingClientRect();
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        const d = (e.deltaX / (width - LEFT)) * (v1 - v0);
        v0 += d; v1 += d;
      } else {
        const at = tAt(e.clientX - r.left);
        const f = Math.exp(e.deltaY * (e.ctrlKey ? 0.01 : 0.002));
        const w = Math.min(full * 4, Math.max(50, (v1 - v0) * f));
        const k = (at - v0) / (v1 - v0);
        v0 = at - k * w; v1 = v0 + w;
      }
      draw();
    }, { passive: false });
    let drag: { x: number; v0: number; moved: boolean } | null = null;
    plot.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, v0, moved: false };
      plot.setPointerCapture(e.pointerId);
    });
    plot.addEventListener('pointermove', (e) => {
      if (drag) {
        const dx = e.clientX - drag.x;
        if (Math.abs(dx) > 3) drag.moved = true;
        if (drag.moved) {
          plot.classList.add('dragging');
          const d = (dx / (width - LEFT - 8)) * (v1 - v0);
          const w = v1 - v0;
          v0 = drag.v0 - d; v1 = v0 + w;
          tip.hidden = true;
          draw();
          return;
        }
      }
      const s = spanAt(e.target);
      if (!s) { tip.hidden = true; return; }
      tip.replaceChildren(...s.tip.filter(Boolean).map((line) => el('div', null, line)));
      tip.hidden = false;
      const left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      tip.style.left = `${left}px`;
      tip.style.top = `${e.clientY + 16}px`;
    });
    plot.addEventListener('pointerleave', () => { tip.hidden = true; });
    plot.addEventListener('pointerup', (e) => {
      const d = drag;
      drag = null;
      plot.classList.remove('dragging');
      if (!d || d.moved) return;
      // With pointer capture the event targets the svg: find the span under the pointer.
      const s = spanAt(document.elementFromPoint(e.clientX, e.clientY));
      const r = plot.getBoundingClientRect();
      if (s) select(s.turn, s.seq, s.x0);
      else if (e.clientX - r.left > LEFT) seek(Math.max(0, tAt(e.clientX - r.left)));
    });
    plot.addEventListener('dblclick', () => { v0 = -full * 0.01; v1 = full * 1.01; draw(); });
    window.addEventListener('resize', () => draw());
    listeners.push(() => draw());
    setPlayhead = (t) => {
      playhead = t;
      // Keep the playhead in view while playing.
      if (t !== null && (t < v0 || t > v1)) { const w = v1 - v0; v0 = t - w * 0.1; v1 = v0 + w; }
      draw();
    };
    requestAnimationFrame(() => draw());
    return sec;
  }
  let setPlayhead: (t: number | null) => void = () => {};

  // --- audio ----------------------------------------------------------------------------------------------------
  function wavHeader(view: DataView, channels: number, rate: number, bytes: number): void {
    const w = (o: number, s: string) => { for (let i = 0; i < 4; i++) view.setUint8(o + i, s.charCodeAt(i)); };
    w(0, 'RIFF'); view.setUint32(4, 36 + bytes, true); w(8, 'WAVE'); w(12, 'fmt ');
    view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, channels, true);
    view.setUint32(24, rate, true); view.setUint32(28, rate * 2 * channels, true); view.setUint16(32, 2 * channels, true);
    view.setUint16(34, 16, true); w(36, 'data'); view.setUint32(40, bytes, true);
  }

  function fromBase64(text: string): Uint8Array<ArrayBuffer> {
    const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;
    if (native) return native(text);
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  function audio(): HTMLElement {
    const sec = el('section', { id: 'audio' }, el('h2', null, 'Audio'));
    const a = data.audio;
    // Base64 with no whitespace in it (fromBase64 and atob would skip some anyway): used as it is, never copied.
    const text = byId('rtev-audio').textContent || '';
    if (a && text.length) {
      sec.append(el('p', { class: 'sub' }, 'The call as it sounded: the user\'s microphone on the left, the assistant on the right, each at its real time; an answer the user interrupted stops where it was cut. Click the timeline to play from there.'));
      const bytes = fromBase64(text);
      const player = el('audio', { controls: '', preload: 'auto', 'data-audio': 'session' });
      player.src = URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
      sec.append(el('div', { class: 'audio' }, player));
      seek = (at: number) => { player.currentTime = Math.max(0, at / 1000); setPlayhead(at); };
      let raf = 0;
      const follow = () => { setPlayhead(player.currentTime * 1000); if (!player.paused) raf = requestAnimationFrame(follow); };
      player.addEventListener('play', () => { cancelAnimationFrame(raf); raf = requestAnimationFrame(follow); });
      player.addEventListener('seeked', () => setPlayhead(player.currentTime * 1000));
      // Each turn's player: what the user heard of its answer, the right channel's stretches one after another.
      const samples = new Int16Array(bytes.buffer, 44, Math.floor((bytes.length - 44) / 2));
      const list = el('div', { class: 'turn-players' });
      for (const t of data.turns) {
        const parts = a.turns[t.key];
        if (!parts) continue;
        const n = parts.reduce((s, p) => s + p[1], 0);
        const buf = new ArrayBuffer(44 + n * 2);
        wavHeader(new DataView(buf), 1, a.rate, n * 2);
        const out = new Int16Array(buf, 44, n);
        let o = 0;
        for (const [start, len] of parts) for (let i = 0; i < len; i++) out[o++] = samples[(start + i) * 2 + 1] ?? 0;
        const p = el('audio', { controls: '', preload: 'metadata', 'data-audio': `turn-${t.key}` });
        p.src = URL.createObjectURL(new Blob([buf], { type: 'audio/wav' }));
        const label = el('span', { class: 'muted' }, `Turn ${t.key} · ${seconds(n / a.rate)}`);
        label.addEventListener('click', () => select(t));
        list.append(el('div', { class: 'turn-player', ...turnAttrs(t) }, label, p));
      }
      if (list.childElementCount) sec.append(el('p', { class: 'sub' }, 'Each turn\'s answer, as far as the user heard it:'), list);
    }
    if (data.audioNotes.length) sec.append(el('ul', { class: 'notes' }, ...data.audioNotes.map((n) => el('li', null, n))));
    return sec;
  }

  // --- turns table ----------------------------------------------------------------------------------------------
  function turnsTable(): HTMLElement {
    const sec = el('section', { id: 'turns' }, el('h2', null, `Turns (${data.turns.length.toLocaleString('en-US')})`));
    if (!data.turns.length) {
      sec.append(el('p', { class: 'muted' }, 'No turns in this capture.'));
      return sec;
    }
    const num = (v: number | null) => (v === null ? -Infinity : v);
    const cols: [string, string, (t: TurnView) => number | string, boolean][] = [
      ['turn', '#', (t) => t.session * 1e9 + t.turn.turn, true],
      ['time', 'time', (t) => t.at ?? t.turn.seq, false],
      ['user', 'user', (t) => t.cells.user!, false],
      ['speech', 'speech', (t) => num(t.turn.speech_ms), true],
      ['response', 'response', (t) => num(t.turn.latency_ms.response), true],
      ['first_audio', '1st audio', (t) => num(t.turn.latency_ms.first_audio), true],
      ['tool_wait', 'tool wait', (t) => num(t.turn.latency_ms.tool_wait), true],
      ['heard', 'heard/generated', (t) => num(t.turn.audio_ms.heard), true],
      ['status', 'status', (t) => t.cells.status!, false],
      ['tokens', 'tokens', (t) => num(t.turn.usage ? t.turn.usage.total_tokens : null), true],
      ['cost', 'cost', (t) => num(t.turn.cost_usd), true],
      ['flags', 'flags', (t) => t.turn.flags.length, false],
    ];
    const raw: Record<string, (t: TurnView) => number | null> = {
      speech: (t) => t.turn.speech_ms, response: (t) => t.turn.latency_ms.response, first_audio: (t) => t.turn.latency_ms.first_audio,
      tool_wait: (t) => t.turn.latency_ms.tool_wait, heard: (t) => t.turn.audio_ms.heard, tokens: (t) => (t.turn.usage ? t.turn.usage.total_tokens : null), cost: (t) => t.turn.cost_usd,
    };
    const head = el('tr');
    const body = el('tbody');
    progressive(data.turns, (t) => {
      const tt = t.turn;
      const tr = el('tr', { ...turnAttrs(t), 'aria-selected': 'false', tabindex: '0' });
      for (const [key, , , numeric] of cols) {
        const text = key === 'turn' ? t.key : key === 'flags' ? '' : t.cells[key] ?? '';
        const td = el('td', { 'data-col': key, class: numeric ? 'num' : key });
        if (key in raw) td.setAttribute('data-value', String(raw[key]!(t)));
        if (key === 'first_audio' && tt.flags.includes('slow')) td.classList.add('hot');
        if (key === 'tool_wait' && tt.flags.includes('tool_dead_air')) td.classList.add('hot');
        if (key === 'heard' && tt.audio_ms.heard !== null && tt.audio_ms.generated !== null && tt.audio_ms.heard < tt.audio_ms.generated) td.classList.add('hot');
        if (key === 'status' && tt.status !== null && tt.status !== 'completed') td.classList.add(tt.status === 'failed' ? 'bad' : 'hot');
        if (key === 'user') td.title = text;
        if (key === 'flags') for (const f of t.flags) td.append(el('span', { class: `flag ${f.replace(/\(.*/, '')}` }, f));
        else td.append(text);
        tr.append(td);
      }
      tr.addEventListener('click', () => select(t, undefined, t.at));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(t, undefined, t.at); } });
      rowOf.set(t, tr);
      body.append(tr);
    });
    let sortKey = 'turn';
    let asc = true;
    cols.forEach(([key, label, value]) => {
      const th = el('th', { scope: 'col', 'data-col': key, 'aria-sort': key === 'turn' ? 'ascending' : 'none', title: 'sort' }, label);
      th.addEventListener('click', () => {
        finishLists();
        asc = sortKey === key ? !asc : true;
        sortKey = key;
        for (const other of Array.from(head.children)) other.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        const sorted = [...data.turns].sort((a, b) => {
          const x = value(a), y = value(b);
          const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        for (const t of sorted) body.append(rowOf.get(t)!);
      });
      head.append(th);
    });
    sec.append(el('div', { class: 'table-wrap' }, el('table', null, el('thead', null, head), body)));
    if (data.turnsOmitted) sec.append(el('p', { class: 'muted' }, `${data.turnsOmitted.toLocaleString('en-US')} more turns are in the figures but not listed.`));
    return sec;
  }

  // --- transcript -----------------------------------------------------------------------------------------------
  function transcript(): HTMLElement {
    const sec = el('section', { id: 'transcript' }, el('h2', null, 'Transcript'));
    const box = el('div', { class: 'transcript' });
    progressive(data.turns, (t) => {
      const tr = t.transcript;
      const block = el('div', { class: 't-turn', ...turnAttrs(t) }, el('div', { class: 'n' }, `#${t.key}`, el('br'), t.at === null ? '' : rel(t.at)));
      const line = (who: string, cls: string, ...kids: Kid[]) => block.append(el('div', { class: 't-line' }, el('span', { class: `t-who ${cls}` }, who), ...kids));
      if (tr.user !== null) line('user', 'user', tr.user);
      for (const r of tr.replies) {
        // A reply that only called a tool has nothing to say: its tool call line is enough.
        if (r.how || r.heard || r.rest || !r.calls.length) line('assistant', 'assistant',
          r.how ? el('span', { class: `t-how${r.status === 'failed' ? ' failed' : ''}` }, r.how) : null,
          r.heard, r.rest ? ' ✂ ' : null, r.rest ? el('span', { class: 't-unheard', title: 'said but never heard: the user interrupted' }, r.rest) : null);
        for (const c of r.calls) line('tool call', 'tool', el('code', null, `${c.name}(${c.args})`), c.output === null ? ' (no output)' : ' → ', c.output === null ? null : el('code', null, c.output));
      }
      block.addEventListener('click', () => select(t, undefined, t.at));
      transcriptOf.set(t, block);
      box.append(block);
    });
    sec.append(data.turns.length ? box : el('p', { class: 'muted' }, 'Nothing was said.'));
    return sec;
  }

  // --- GPT-Live and Translation: their turns and transcript in place of Realtime's ------------------------------
  function voiceTurns(v: NonNullable<ReportData['voices']>): HTMLElement {
    const sec = el('section', { id: 'turns' }, el('h2', null, `Turns (${v.turns.length.toLocaleString('en-US')})`));
    if (!v.turns.length) {
      sec.append(el('p', { class: 'muted' }, v.segments.length ? 'A translation has no turns: its source and translation are below.' : 'No turns in this capture.'));
      return sec;
    }
    sec.append(el('p', { class: 'sub' }, 'GPT-Live takes turns itself: each turn is the user\'s speech, then the model\'s. Gap: from the end of the user\'s words to the model\'s first (negative: the model talked over the user). Overlap: how long the user spoke over the model (a barge-in).'));
    const cols: [string, string, boolean][] = [['turn', '#', true], ['time', 'time', false], ['user', 'user', false], ['speech', 'speech', true], ['gap', 'gap', true],
      ['answer', 'answer', true], ['overlap', 'overlap', true], ['delegated', 'delegated', true], ['flags', 'flags', false]];
    const body = el('tbody');
    progressive(v.turns, (t) => {
      const tr = el('tr', { 'data-turn': t.key });
      for (const [key, , numeric] of cols) {
        const td = el('td', { 'data-col': key, class: numeric ? 'num' : key });
        if (key === 'turn') td.append(t.key);
        else if (key === 'flags') for (const f of t.turn.flags) td.append(el('span', { class: `flag ${f}` }, f));
        else td.append(t.cells[key] ?? '');
        if (key === 'gap') td.setAttribute('data-value', String(t.turn.gap_ms));
        if (key === 'overlap') td.setAttribute('data-value', String(t.turn.overlap_ms));
        if ((key === 'gap' && (t.turn.gap_ms ?? 0) < 0) || (key === 'overlap' && t.turn.overlap_ms)) td.classList.add('hot');
        if (key === 'user') td.title = t.cells.user ?? '';
        tr.append(td);
      }
      body.append(tr);
    });
    const head = el('tr', null, ...cols.map(([key, label]) => el('th', { scope: 'col', 'data-col': key }, label)));
    sec.append(el('div', { class: 'table-wrap' }, el('table', null, el('thead', null, head), body)));
    return sec;
  }

  function voiceTranscript(v: NonNullable<ReportData['voices']>): HTMLElement {
    const sec = el('section', { id: 'transcript' }, el('h2', null, 'Transcript'));
    const box = el('div', { class: 'transcript' });
    const at = (t: number | null) => (t === null ? '' : rel(t));
    if (v.segments.length) {
      const lang = (what: string, l: string | null) => (l ? `${what} (${l})` : what);
      progressive(v.segments, (g) => {
        box.append(el('div', { class: 't-turn t-segment' }, el('div', { class: 'n' }, at(g.start)),
          el('div', { class: 't-line' }, el('span', { class: 't-who user' }, lang('source', v.languages?.input ?? null)), g.source),
          el('div', { class: 't-line' }, el('span', { class: 't-who assistant' }, lang('translation', v.languages?.output ?? null)), g.translation)));
      });
    } else {
      progressive(v.lines, (l) => {
        box.append(el('div', { class: 't-turn', 'data-voice': l.voice }, el('div', { class: 'n' }, at(l.start)),
          el('div', { class: 't-line' }, el('span', { class: `t-who ${l.voice}` }, l.voice), l.text || el('span', { class: 'muted' }, '(audio, no transcript)'),
            l.overlap > 0 ? el('span', { class: 't-how' }, ` over the ${l.voice === 'user' ? 'assistant' : 'user'} for ${ms(l.overlap)}`) : null)));
      });
    }
    sec.append(v.lines.length || v.segments.length ? box : el('p', { class: 'muted' }, 'Nothing was said.'));
    return sec;
  }

  // --- configuration --------------------------------------------------------------------------------------------
  function configuration(): HTMLElement {
    const sec = el('section', { id: 'configuration' }, el('h2', null, 'Configuration'));
    for (const s of data.sessions) {
      if (multi) sec.append(el('h3', null, s.source));
      let updates = 0;
      for (const st of s.steps) {
        const what = st.kind === 'created' ? '↓ session.created' : st.kind === 'update' ? `↑ session.update asks to change ${st.changes.length}` : `↓ session.updated changed ${st.changes.length}`;
        if (st.kind === 'update') updates++;
        const box = el('div', { class: 'step', 'data-seq': String(st.seq) }, el('div', { class: 'step-head' }, el('span', { class: 'muted' }, st.clock), what));
        if (st.lines.length) box.append(el('dl', { class: 'config' }, ...st.lines.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)])));
        const ch = el('div', { class: 'changes' });
        for (const [p, from, to] of st.changes) ch.append(el('div', null, `${p}  ${from} → ${to}`));
        for (const [p, asked, got] of st.not_applied) ch.append(el('div', { class: 'not-applied' }, `NOT APPLIED ${p}: asked ${asked}, got ${got}`));
        if (ch.childElementCount) box.append(ch);
        sec.append(box);
      }
      if (s.stepsOmitted) sec.append(el('p', { class: 'muted' }, `${s.stepsOmitted} more configuration steps are not listed.`));
      if (s.config.length) {
        sec.append(el('div', { class: 'step-head' }, el('strong', null, 'In force at the end')));
        sec.append(el('dl', { class: 'config' }, ...s.config.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)])));
      } else sec.append(el('p', { class: 'muted' }, 'No session.created or session.updated in the capture.'));
      const na = `${s.notApplied} setting${s.notApplied === 1 ? '' : 's'} not applied`;
      sec.append(el('p', null, `${plural(updates, 'update')}, `, s.notApplied ? el('span', { class: 'not-applied' }, na) : na));
    }
    return sec;
  }

  // --- event log ------------------------------------------------------------------------------------------------
  function eventLog(): HTMLElement {
    const L = data.log;
    const sec = el('section', { id: 'log' }, el('h2', null, 'Event log'));
    let jsonList: string[] | null = null;
    const total = L.seq.length;
    let rows: Int32Array = new Int32Array(total).map((_, i) => i);
    const typeBox = el('input', { type: 'search', placeholder: 'type: response.* or part of a name', 'aria-label': 'filter by type', size: '28' });
    const famBox = el('select', { 'aria-label': 'filter by family' }, el('option', { value: '' }, 'every family'), ...L.families.map((f, i) => el('option', { value: String(i) }, f)));
    const dirBox = el('select', { 'aria-label': 'filter by direction' }, el('option', { value: '' }, 'both directions'), el('option', { value: 's' }, '↓ server'), el('option', { value: 'c' }, '↑ client'));
    const count = el('span', { class: 'count' });
    sec.append(el('div', { class: 'toolbar' }, typeBox, famBox, dirBox, count));
    const view = el('div', { class: 'log-view', tabindex: '0' });
    const spacer = el('div');
    view.append(spacer);
    const pre = el('pre', { class: 'json', hidden: '' });
    sec.append(view, pre);
    let range: [number, number] | null = null;
    let target = -1;
    let open = -1;

    function apply(): void {
      const q = typeBox.value.trim();
      const fam = famBox.value === '' ? -1 : Number(famBox.value);
      const dir = dirBox.value;
      let match: ((s: string) => boolean) | null = null;
      if (q) {
        if (q.includes('*')) {
          const re = new RegExp(`^${q.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
          match = (s) => re.test(s);
        } else match = (s) => s.includes(q);
      }
      const typeOk = L.types.map((t) => !match || match(t));
      const keep: number[] = [];
      for (let i = 0; i < total; i++) {
        if (!typeOk[L.type[i]!]) continue;
        if (fam >= 0 && L.family[i] !== fam) continue;
        if (dir && L.dir[i] !== dir) continue;
        keep.push(i);
      }
      rows = Int32Array.from(keep);
      count.textContent = `${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows` +
        (L.omitted ? ` (${L.omitted.toLocaleString('en-US')} events past the page's budget left out)` : '');
      spacer.style.height = `${rows.length * ROW_H}px`;
      render();
    }

    const rendered = new Map<number, HTMLElement>();
    function render(): void {
      const first = Math.max(0, Math.floor(view.scrollTop / ROW_H) - 10);
      const last = Math.min(rows.length, Math.ceil((view.scrollTop + view.clientHeight) / ROW_H) + 10);
      for (const [pos, node] of rendered) if (pos < first || pos >= last) { node.remove(); rendered.delete(pos); }
      for (let pos = first; pos < last; pos++) {
        const i = rows[pos]!;
        let node = rendered.get(pos);
        if (!node || node.dataset.row !== String(i)) {
          node?.remove();
          node = rowNode(i);
          node.style.top = `${pos * ROW_H}px`;
          view.append(node);
          rendered.set(pos, node);
        }
        const seq = L.seq[i]!;
        node.classList.toggle('in-turn', range !== null && seq >= range[0] && seq <= range[1]);
        node.classList.toggle('target', i === target);
        node.classList.toggle('open', i === open);
      }
    }

    function rowNode(i: number): HTMLElement {
      const t = L.t[i];
      const tone = L.tone[i]!;
      const type = L.types[L.type[i]!]!;
      const n = el('div', { class: `log-row${tone === ' ' ? '' : ` ${tone}`}`, 'data-seq': String(L.seq[i]), 'data-row': String(i), title: `#${L.seq[i]} ${type}` },
        el('span', { class: 'seq' }, `#${L.seq[i]}`),
        el('span', { class: 'time' }, t === null || t === undefined ? '' : clock(t)),
        el('span', { class: 'dir' }, L.dir[i] === 'c' ? '↑' : '↓'),
        el('span', { class: `type fam-${L.families[L.family[i]!]}` }, type),
        el('span', { class: 'ids' }, L.ids[i]!),
        el('span', { class: 'text' }, L.text[i]!));
      n.addEventListener('click', () => openJson(i));
      return n;
    }

    function openJson(i: number): void {
      open = i;
      const j = L.json[i]!;
      let body: string;
      if (j < 0) body = 'The JSON of this event is not in the page (over its budget). rtev filter or cat --json on the capture gives it.';
      else {
        jsonList ??= JSON.parse(byId('rtev-events').textContent || '[]') as string[];
        const text = jsonList[j]!;
        try { body = JSON.stringify(JSON.parse(text), null, 2); } catch { body = text; }
      }
      const n = L.n[i]!;
      pre.textContent = `#${L.seq[i]} ${L.types[L.type[i]!]}${n > 1 ? ` (the first of ${n} collapsed events)` : ''}\n${body}`;
      pre.hidden = false;
      render();
    }

    /** Scroll to the first row at or after `seq`, and mark a turn's rows. */
    function goTo(seq: number, from: number, to: number): void {
      range = [from, to];
      const find = () => { let lo = 0, hi = rows.length; while (lo < hi) { const m = (lo + hi) >> 1; if (L.seq[rows[m]!]! < seq) lo = m + 1; else hi = m; } return lo; };
      let pos = find();
      if (pos >= rows.length || L.seq[rows[pos]!]! > to) {
        // The filters hide it: show everything again.
        typeBox.value = ''; famBox.value = ''; dirBox.value = '';
        apply();
        pos = find();
      }
      target = pos < rows.length ? rows[pos]! : -1;
      view.scrollTop = Math.max(0, pos * ROW_H - ROW_H * 2);
      render();
    }

    view.addEventListener('scroll', () => render(), { passive: true });
    typeBox.addEventListener('input', () => apply());
    famBox.addEventListener('change', () => apply());
    dirBox.addEventListener('change', () => apply());
    listeners.push((t, seq) => goTo(seq, t.turn.seq, t.last_seq));
    requestAnimationFrame(() => apply());
    apply();
    return sec;
  }

  const v = data.voices;
  // GPT-Live and Translation: their own turns and transcript; the timeline is drawn from Realtime's turns.
  // (Their configuration is in the event log: the configuration model reads Realtime sessions.)
  if (v) root.append(header(), audio(), ...(v.segments.length && !v.turns.length ? [] : [voiceTurns(v)]), voiceTranscript(v), eventLog());
  else root.append(header(), timeline(), audio(), turnsTable(), transcript(), configuration(), eventLog());
  root.removeAttribute('aria-busy');
  document.documentElement.setAttribute('data-ready', '1');
  // For benchmarks: the first frame after every part is drawn, measured from the navigation's start.
  performance.mark('rtev-ready');
  requestAnimationFrame(() => performance.mark('rtev-interactive'));
}
