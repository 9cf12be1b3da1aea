#!/usr/bin/env node
// Writes recordings/sample.jsonl: a scripted, timestamped GA Realtime session over WebSocket, as `rtev record`
// would have recorded it from a client that streams microphone audio. It is what a new user sees first, so it
// reads like a real call: a greeting, a weather question answered through a function call, an answer the user
// interrupts (the client truncates what was heard), a typed follow-up, and a goodbye. The audio is synthesised
// (a voiced, formant-shaped buzz per syllable, a lower voice for the user): it plays as speech-like sound.
// Deterministic: the same script gives the same bytes. Usage: node scripts/make-sample.mjs [--out FILE]
import { writeFileSync } from 'node:fs';

const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : 'recordings/sample.jsonl';
const RATE = 24000;

// --- deterministic ids and randomness ------------------------------------------------------------------------
let seed = 20261125;
const rand = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 4294967296; };
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const id = (prefix) => `${prefix}_${Array.from({ length: 21 }, () => ALNUM[Math.floor(rand() * 62)]).join('')}`;

// --- speech-like audio ---------------------------------------------------------------------------------------
// Vowel formants (F1, F2 in Hz) for the vowel letters a text's syllables are built on.
const FORMANTS = { a: [800, 1200], e: [500, 1900], i: [320, 2300], o: [500, 900], u: [350, 800], y: [400, 2000] };
const syllables = (text) => (text.toLowerCase().match(/[aeiouy]+/g) ?? ['a']).map((v) => v[0]);

/** PCM16 samples of `text` spoken at pitch f0, one syllable per vowel group, with pauses at spaces/punctuation. */
function voice(text, f0, msPerSyllable) {
  const words = text.split(/\s+/).filter(Boolean);
  const chunks = [];
  for (const w of words) {
    for (const v of syllables(w)) {
      const n = Math.round((RATE * msPerSyllable * (0.8 + rand() * 0.4)) / 1000);
      const [f1, f2] = FORMANTS[v];
      const pitch = f0 * (0.95 + rand() * 0.1);
      const s = new Float64Array(n);
      const harmonics = Math.floor(3800 / pitch);
      const amp = [];
      for (let k = 1; k <= harmonics; k++) {
        const f = k * pitch;
        amp.push((Math.exp(-(((f - f1) / 120) ** 2)) + 0.6 * Math.exp(-(((f - f2) / 180) ** 2)) + 0.05) / k ** 0.5);
      }
      for (let i = 0; i < n; i++) {
        const t = i / RATE;
        const glide = 1 - 0.08 * (i / n); // pitch falls a little within the syllable
        let x = 0;
        for (let k = 1; k <= harmonics; k++) x += amp[k - 1] * Math.sin(2 * Math.PI * k * pitch * glide * t);
        const env = Math.min(1, i / (RATE * 0.025), (n - i) / (RATE * 0.04));
        s[i] = x * env;
      }
      chunks.push(s, new Float64Array(Math.round(RATE * 0.035)));
    }
    chunks.push(new Float64Array(Math.round(RATE * (/[.,!?]$/.test(w) ? 0.22 : 0.07))));
  }
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const pcm = Buffer.alloc(total * 2);
  let peak = 0;
  for (const c of chunks) for (const x of c) peak = Math.max(peak, Math.abs(x));
  let o = 0;
  for (const c of chunks) for (const x of c) { pcm.writeInt16LE(Math.round((x / peak) * 9000), o); o += 2; }
  return pcm;
}

const silence = (ms) => Buffer.alloc(Math.round((RATE * ms) / 1000) * 2);
const msOf = (pcm) => (pcm.length / 2 / RATE) * 1000;

// --- the recording -------------------------------------------------------------------------------------------
let clock = Date.UTC(2026, 10, 25, 12, 0, 0);
const lines = [];
const line = (dir, body) => lines.push(`{"ts":"${new Date(clock).toISOString()}","dir":"${dir}",${body}}`);
const at = (dt) => { clock += Math.round(dt); };
const server = (type, fields, dt = 2) => { at(dt); line('server', `"event":${JSON.stringify({ type, event_id: id('event'), ...fields })}`); };
const client = (type, fields, dt = 0) => { at(dt); line('client', `"event":${JSON.stringify({ type, event_id: id('evt'), ...fields })}`); };
line('meta', `"rtev":${JSON.stringify({ version: '0.1.0', command: 'record', source: 'wss://api.openai.com/v1/realtime?model=gpt-realtime' })}`);

const fmt = { type: 'audio/pcm', rate: 24000 };
const tools = [
  { type: 'function', name: 'get_weather', description: 'The forecast for a city and day',
    parameters: { type: 'object', properties: { city: { type: 'string' }, day: { type: 'string' } }, required: ['city'] } },
  { type: 'function', name: 'send_sms', description: 'Text a message to the caller',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
];
const instructions = 'You are Ava, a friendly travel assistant for Northwind Travel. Keep answers short.';
const session = {
  type: 'realtime', object: 'realtime.session', id: id('sess'), model: 'gpt-realtime', output_modalities: ['audio'],
  instructions: "You are a helpful assistant.", tools: [], tool_choice: 'auto', max_output_tokens: 'inf', tracing: null, prompt: null,
  expires_at: Math.floor(clock / 1000) + 3600, include: null,
  audio: {
    input: { format: fmt, transcription: null, noise_reduction: null,
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, idle_timeout_ms: null, create_response: true, interrupt_response: true } },
    output: { format: fmt, voice: 'alloy', speed: 1 },
  },
};
server('session.created', { session }, 31);
const update = { type: 'realtime', instructions, tools, audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } }, output: { voice: 'marin' } } };
client('session.update', { session: update }, 12);
const applied = { ...session, instructions, tools, audio: { input: { ...session.audio.input, transcription: { model: 'gpt-4o-mini-transcribe', language: null, prompt: '' } }, output: { ...session.audio.output, voice: 'marin' } } };
server('session.updated', { session: applied }, 38);
const conversation = id('conv');

let audioClock = 0; // ms of audio the client has appended: the server's audio clock
let prevItem = null;
let inputTokens = 310;

/**
 * The client streams the user's words (with a little silence around them) in real time; the server's VAD marks
 * the speech. In two steps, so that an interruption can land inside a reply: `startSpeech` streams up to the
 * server's speech_started, `finishSpeech` the rest, then the commit and the user's item.
 */
function startSpeech(text) {
  const speech = voice(text, 118, 190);
  const lead = silence(240), tail = silence(620);
  const u = { text, item: id('item'), pcm: Buffer.concat([lead, speech, tail]), off: 0, ms: msOf(speech), start: audioClock + msOf(lead) };
  u.end = u.start + u.ms;
  while (audioClock < u.start + 200) append(u);
  server('input_audio_buffer.speech_started', { audio_start_ms: Math.round(u.start), item_id: u.item }, 14);
  return u;
}

function append(u) {
  const chunk = RATE * 2 * 0.1; // 100 ms per append
  client('input_audio_buffer.append', { audio: u.pcm.subarray(u.off, u.off + chunk).toString('base64') }, 100);
  u.off += chunk;
  audioClock += 100;
}

function finishSpeech(u) {
  let stopped = false;
  while (u.off < u.pcm.length) {
    append(u);
    if (!stopped && audioClock >= u.end + 500) {
      stopped = true;
      server('input_audio_buffer.speech_stopped', { audio_end_ms: Math.round(u.end + 500), item_id: u.item }, 9);
    }
  }
  if (!stopped) server('input_audio_buffer.speech_stopped', { audio_end_ms: Math.round(u.end + 500), item_id: u.item }, 9);
  server('input_audio_buffer.committed', { previous_item_id: prevItem, item_id: u.item }, 3);
  const msg = { id: u.item, type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
  server('conversation.item.added', { previous_item_id: prevItem, item: msg }, 1);
  server('conversation.item.done', { previous_item_id: prevItem, item: msg }, 1);
  prevItem = u.item;
  return u;
}

const userSays = (text) => finishSpeech(startSpeech(text));

/** The transcription of a user's item arrives on its own schedule, usually during the reply. */
function transcribe(u) {
  const words = u.text.split(' ');
  words.forEach((w, i) => server('conversation.item.input_audio_transcription.delta', { item_id: u.item, content_index: 0, delta: (i ? ' ' : '') + w }, 18 + rand() * 30));
  const audioTokens = Math.round(u.ms / 100);
  server('conversation.item.input_audio_transcription.completed', { item_id: u.item, content_index: 0, transcript: u.text,
    usage: { type: 'tokens', total_tokens: audioTokens + words.length + 2, input_tokens: audioTokens, input_token_details: { text_tokens: 0, audio_tokens: audioTokens }, output_tokens: words.length + 2 } }, 6);
}

const responseBase = (rid) => ({ object: 'realtime.response', id: rid, conversation_id: conversation, output_modalities: ['audio'], max_output_tokens: 'inf',
  audio: { output: { format: fmt, voice: 'marin' } }, metadata: null });

/**
 * One response. `parts`: what it outputs, in order: {say: text} for speech, {call: {name, args}} for a function
 * call. The server streams audio about twice as fast as it plays; `cancelAtMs` ends it early (barge-in) when that
 * much audio has been generated. `during(t)` runs after the first audio delta (for a transcription landing mid-reply).
 */
function respond(parts, o = {}) {
  const rid = id('resp');
  const base = responseBase(rid);
  server('response.created', { response: { ...base, status: 'in_progress', status_details: null, output: [], usage: null } }, o.createdAfter ?? 240);
  const output = [];
  let generatedMs = 0, cancelled = false, firstAudio = true, firstAudioAt = NaN;
  let outIdx = 0;
  for (const p of parts) {
    const item = id('item');
    if (p.call) {
      const callId = id('call');
      const args = JSON.stringify(p.call.args);
      const fc = { id: item, type: 'function_call', status: 'in_progress', name: p.call.name, call_id: callId, arguments: '' };
      server('response.output_item.added', { response_id: rid, output_index: outIdx, item: fc }, 60);
      server('conversation.item.added', { previous_item_id: prevItem, item: fc }, 1);
      for (let i = 0; i < args.length; i += 6) server('response.function_call_arguments.delta', { response_id: rid, item_id: item, output_index: outIdx, call_id: callId, delta: args.slice(i, i + 6) }, 9);
      server('response.function_call_arguments.done', { response_id: rid, item_id: item, output_index: outIdx, call_id: callId, name: p.call.name, arguments: args }, 3);
      const done = { ...fc, status: 'completed', arguments: args };
      server('conversation.item.done', { previous_item_id: prevItem, item: done }, 1);
      server('response.output_item.done', { response_id: rid, output_index: outIdx, item: done }, 1);
      output.push(done);
      p.call.id = callId;
    } else {
      const msg = { id: item, type: 'message', status: 'in_progress', role: 'assistant', content: [] };
      server('response.output_item.added', { response_id: rid, output_index: outIdx, item: msg }, o.firstAfter ?? 180);
      server('conversation.item.added', { previous_item_id: prevItem, item: msg }, 1);
      const loc = { response_id: rid, item_id: item, output_index: outIdx, content_index: 0 };
      server('response.content_part.added', { ...loc, part: { type: 'audio', transcript: '' } }, 2);
      const pcm = voice(p.say, 205, 165);
      const words = p.say.split(' ');
      const totalMs = msOf(pcm);
      let said = '', w = 0;
      const chunk = RATE * 2 * 0.1;
      for (let off = 0; off < pcm.length; off += chunk) {
        const ms = msOf(pcm.subarray(off, off + chunk));
        // The transcript runs a little ahead of the audio, word by word.
        while (w < words.length && (w / words.length) * totalMs <= generatedMs + 150) {
          const d = (w ? ' ' : '') + words[w++];
          said += d;
          server('response.output_audio_transcript.delta', { ...loc, delta: d }, 3);
        }
        server('response.output_audio.delta', { ...loc, delta: pcm.subarray(off, off + chunk).toString('base64') }, firstAudio ? 40 : 50);
        if (firstAudio) { firstAudio = false; firstAudioAt = clock; o.during?.(); }
        generatedMs += ms;
        if (o.cancelAtMs !== undefined && generatedMs >= o.cancelAtMs) { cancelled = true; break; }
      }
      while (!cancelled && w < words.length) {
        const d = (w ? ' ' : '') + words[w++];
        said += d;
        server('response.output_audio_transcript.delta', { ...loc, delta: d }, 2);
      }
      // The interruption: the user's speech is detected while the audio streams; the server cancels the rest.
      if (cancelled) o.onCancel?.(item, firstAudioAt);
      server('response.output_audio.done', loc, 4);
      server('response.output_audio_transcript.done', { ...loc, transcript: said }, 1);
      server('response.content_part.done', { ...loc, part: { type: 'audio', transcript: said } }, 1);
      const done = { ...msg, status: cancelled ? 'incomplete' : 'completed', content: [{ type: 'output_audio', transcript: said }] };
      server('conversation.item.done', { previous_item_id: prevItem, item: done }, 1);
      server('response.output_item.done', { response_id: rid, output_index: outIdx, item: done }, 1);
      output.push(done);
      prevItem = item;
    }
    outIdx++;
    if (cancelled) break;
  }
  const outAudio = Math.round(generatedMs / 50); // ~20 audio tokens per second of speech
  const outText = Math.round(outAudio / 4) + (parts.some((p) => p.call) ? 24 : 0);
  inputTokens += 40;
  const cached = Math.floor(inputTokens * 0.6 / 64) * 64;
  const inText = Math.round(inputTokens * 0.55);
  const cachedText = Math.round(cached * 0.55);
  server('response.done', { response: { ...base, status: cancelled ? 'cancelled' : 'completed',
    status_details: cancelled ? { type: 'cancelled', reason: 'turn_detected' } : null, output,
    usage: { total_tokens: inputTokens + outAudio + outText, input_tokens: inputTokens, output_tokens: outAudio + outText,
      input_token_details: { text_tokens: inText, audio_tokens: inputTokens - inText, image_tokens: 0, cached_tokens: cached,
        cached_tokens_details: { text_tokens: cachedText, audio_tokens: cached - cachedText, image_tokens: 0 } },
      output_token_details: { text_tokens: outText, audio_tokens: outAudio } } } }, 6);
  server('rate_limits.updated', { rate_limits: [{ name: 'tokens', limit: 40000, remaining: 40000 - inputTokens - outAudio - outText, reset_seconds: 2.4 }] }, 43);
  inputTokens += outAudio + outText;
  return { rid, generatedMs };
}

// The client plays each answer in real time; the next thing the user does starts after it has been heard.
const listen = (r, extra = 900) => at(Math.max(0, r.generatedMs / 2 - 400) + extra);

// 1. Greeting.
let u = userSays('Hi there!');
let r = respond([{ say: "Hello! Thanks for calling Northwind Travel. I'm Ava. How can I help you today?" }], { during: () => transcribe(u) });
listen(r, 1400);

// 2. A weather question, answered through a function call; the app takes 1.2 s to fetch the forecast.
u = userSays("What's the weather like in Paris tomorrow?");
const call = { name: 'get_weather', args: { city: 'Paris', day: 'tomorrow' } };
r = respond([{ say: 'Sure, let me check the forecast for Paris.' }, { call }], { during: () => transcribe(u) });
at(1200);
client('conversation.item.create', { item: { type: 'function_call_output', call_id: call.id, output: JSON.stringify({ city: 'Paris', day: '2026-11-26', high_c: 18, low_c: 9, sky: 'sunny' }) } });
const outItem = { id: id('item'), type: 'function_call_output', call_id: call.id, output: JSON.stringify({ city: 'Paris', day: '2026-11-26', high_c: 18, low_c: 9, sky: 'sunny' }) };
server('conversation.item.added', { previous_item_id: prevItem, item: outItem }, 4);
server('conversation.item.done', { previous_item_id: prevItem, item: outItem }, 1);
prevItem = outItem.id;
client('response.create', {}, 2);
r = respond([{ say: 'Tomorrow in Paris it will be sunny and mild, with a high of eighteen degrees. A lovely day for a walk along the Seine.' }], { createdAfter: 120 });
listen(r, 1600);

// 3. A long answer the user interrupts 1.9 s into playback: the server cancels it (turn_detected) and the client
//    truncates the assistant's item to what was actually played.
u = userSays('And what about this weekend?');
let cut = null;
const long = 'This weekend looks mixed. Saturday starts cloudy, with showers likely in the afternoon, and Sunday should clear up nicely by midday, with highs around sixteen.';
// Generated at about twice real time: the user starts talking over it once about 3.4 s of audio exist.
r = respond([{ say: long }], {
  during: () => transcribe(u), cancelAtMs: 3400, firstAfter: 1450,
  onCancel: (item, firstAudioAt) => { cut = { item, barge: startSpeech('Sorry, just Saturday, please.'), playedMs: clock - firstAudioAt }; },
});
// The client stops playback and tells the server how much of the answer was heard.
client('conversation.item.truncate', { item_id: cut.item, content_index: 0, audio_end_ms: cut.playedMs }, 20);
server('conversation.item.truncated', { item_id: cut.item, content_index: 0, audio_end_ms: cut.playedMs }, 12);
const barge = finishSpeech(cut.barge);
r = respond([{ say: 'Saturday will be cloudy, around fifteen degrees, with showers after three p.m. Bring an umbrella.' }], { during: () => transcribe(barge) });
listen(r, 2500);

// 4. A typed follow-up: the app sends a text message, then asks for a response.
const typed = 'Can you text that to me?';
client('conversation.item.create', { item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: typed }] } });
const typedItem = { id: id('item'), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: typed }] };
server('conversation.item.added', { previous_item_id: prevItem, item: typedItem }, 5);
server('conversation.item.done', { previous_item_id: prevItem, item: typedItem }, 1);
prevItem = typedItem.id;
client('response.create', {}, 1);
const sms = { name: 'send_sms', args: { text: 'Paris, Saturday: cloudy, 15°C, showers after 3 pm.' } };
r = respond([{ call: sms }], { createdAfter: 90 });
at(450);
client('conversation.item.create', { item: { type: 'function_call_output', call_id: sms.id, output: '{"sent":true}' } });
const smsOut = { id: id('item'), type: 'function_call_output', call_id: sms.id, output: '{"sent":true}' };
server('conversation.item.added', { previous_item_id: prevItem, item: smsOut }, 4);
server('conversation.item.done', { previous_item_id: prevItem, item: smsOut }, 1);
prevItem = smsOut.id;
client('response.create', {}, 1);
r = respond([{ say: "Done! I've sent Saturday's forecast to your phone." }], { createdAfter: 110 });
listen(r, 1800);

// 5. Goodbye.
u = userSays('Great, thanks so much. Bye!');
r = respond([{ say: 'You are welcome! Enjoy Paris, and goodbye.' }], { during: () => transcribe(u) });
listen(r, 600);
line('meta', `"rtev":${JSON.stringify({ end: 'closed', code: 1000, reason: '', message: 'closed by rtev', frames: lines.length - 1 })}`);

writeFileSync(out, lines.join('\n') + '\n');
process.stderr.write(`make-sample: ${lines.length} lines, ${(Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(2)} MB to ${out}\n`);
