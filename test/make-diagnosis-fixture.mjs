#!/usr/bin/env node
// Writes test/fixtures/diagnosis.jsonl: a timestamped GA session over WebSocket (G.711 µ-law, 8,000 bytes per
// second, so that seconds of audio stay small on disk) whose every turn figure is known by construction. The
// answers are worked out by hand in test/diagnosis.test.ts. Turns:
//   1 normal (and an out-of-band response), 2 slow (2 s to first audio), 3 a 3 s tool wait,
//   4 interrupted: 4 s of audio generated, truncated at 0.78 s, 5 the short barge-in (0.4 s of speech) that
//   interrupted it, 6 typed text, a failed response, and an error caused by a client session.update.
// Usage: node test/make-diagnosis-fixture.mjs [--out FILE]   (deterministic: same bytes every time)
import { writeFileSync } from 'node:fs';

const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : new URL('./fixtures/diagnosis.jsonl', import.meta.url);
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const lines = [];
let n = 0;
const at = (ms, dir, event) => lines.push(JSON.stringify({ ts: new Date(T0 + ms).toISOString(), dir, event }));
const server = (ms, type, fields = {}) => at(ms, 'server', { type, event_id: `event_${++n}`, ...fields });
const client = (ms, type, eventId, fields = {}) => at(ms, 'client', { type, event_id: eventId, ...fields });
/** µ-law silence: `ms` milliseconds at 8,000 bytes per second. */
const audio = (ms) => Buffer.alloc(ms * 8, 0xff).toString('base64');
const fmt = { type: 'audio/pcmu' };

const session = {
  type: 'realtime', object: 'realtime.session', id: 'sess_diag', model: 'gpt-realtime', output_modalities: ['audio'],
  instructions: 'You are a helpful assistant.', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
  tool_choice: 'auto', max_output_tokens: 'inf',
  audio: {
    input: { format: fmt, transcription: { model: 'gpt-4o-mini-transcribe' }, noise_reduction: null,
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true, interrupt_response: true } },
    output: { format: fmt, voice: 'marin', speed: 1 },
  },
};
const response = (id, status, extra = {}) => ({ object: 'realtime.response', id, status, status_details: null, output: [], conversation_id: 'conv_1', usage: null, ...extra });
const usage = (input, text, audioIn, cached, cachedDetails, output, textOut, audioOut, reasoning) => ({
  total_tokens: input + output, input_tokens: input, output_tokens: output,
  input_token_details: { text_tokens: text, audio_tokens: audioIn, image_tokens: 0, cached_tokens: cached, ...(cachedDetails ? { cached_tokens_details: cachedDetails } : {}) },
  output_token_details: { text_tokens: textOut, audio_tokens: audioOut, ...(reasoning ? { reasoning_tokens: reasoning } : {}) },
});
const userItem = (id) => ({ id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
const assistant = (id) => ({ id, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] });
const loc = (r, item) => ({ response_id: r, item_id: item, output_index: 0, content_index: 0 });
/** A spoken user turn: speech, commit, the user item and its transcription. */
const speech = (start, stop, audioStart, audioEnd, item, words) => {
  server(start, 'input_audio_buffer.speech_started', { audio_start_ms: audioStart, item_id: item });
  server(stop, 'input_audio_buffer.speech_stopped', { audio_end_ms: audioEnd, item_id: item });
  server(stop + 10, 'input_audio_buffer.committed', { previous_item_id: null, item_id: item });
  server(stop + 20, 'conversation.item.added', { previous_item_id: null, item: userItem(item) });
  server(stop + 100, 'conversation.item.input_audio_transcription.completed', { item_id: item, content_index: 0, transcript: words,
    usage: { type: 'tokens', total_tokens: 10, input_tokens: 8, input_token_details: { text_tokens: 0, audio_tokens: 8 }, output_tokens: 2 } });
};

server(0, 'session.created', { session });
client(5, 'session.update', 'evt_su1', { session: { type: 'realtime', instructions: 'Be brief.' } });
server(50, 'session.updated', { session: { ...session, instructions: 'Be brief.' } });

// Turn 1: a normal turn, then an out-of-band classification in the same turn.
server(1000, 'input_audio_buffer.speech_started', { audio_start_ms: 500, item_id: 'item_u1' });
client(1100, 'input_audio_buffer.append', 'evt_app1', { audio: audio(1000) });
server(2500, 'input_audio_buffer.speech_stopped', { audio_end_ms: 2000, item_id: 'item_u1' });
server(2510, 'input_audio_buffer.committed', { previous_item_id: null, item_id: 'item_u1' });
server(2520, 'conversation.item.added', { previous_item_id: null, item: userItem('item_u1') });
server(2700, 'conversation.item.input_audio_transcription.completed', { item_id: 'item_u1', content_index: 0, transcript: 'What time is it?',
  usage: { type: 'tokens', total_tokens: 10, input_tokens: 8, input_token_details: { text_tokens: 0, audio_tokens: 8 }, output_tokens: 2 } });
server(2800, 'response.created', { response: response('resp_1', 'in_progress') });
server(2850, 'response.output_item.added', { response_id: 'resp_1', output_index: 0, item: assistant('item_a1') });
for (const t of [3000, 3100, 3200, 3300]) server(t, 'response.output_audio.delta', { ...loc('resp_1', 'item_a1'), delta: audio(500) });
server(3350, 'response.output_audio_transcript.done', { ...loc('resp_1', 'item_a1'), transcript: 'It is noon.' });
server(3500, 'response.done', { response: response('resp_1', 'completed', {
  output: [{ id: 'item_a1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: 'It is noon.' }] }],
  usage: usage(300, 100, 200, 50, { text_tokens: 30, audio_tokens: 20, image_tokens: 0 }, 150, 30, 120) }) });
client(3600, 'response.create', 'evt_oob', { response: { conversation: 'none', output_modalities: ['text'], metadata: { purpose: 'classify' } } });
server(3700, 'response.created', { response: response('resp_oob1', 'in_progress', { conversation_id: null }) });
server(3750, 'response.output_text.done', { ...loc('resp_oob1', 'item_o1'), text: 'smalltalk' });
server(3900, 'response.done', { response: response('resp_oob1', 'completed', { conversation_id: null,
  usage: usage(400, 400, 0, 0, { text_tokens: 0, audio_tokens: 0, image_tokens: 0 }, 20, 20, 0) }) });

// Turn 2: slow, 2 s from the end of speech to the first audio.
speech(10000, 11000, 9000, 10200, 'item_u2', 'And tomorrow?');
server(11400, 'response.created', { response: response('resp_2', 'in_progress') });
server(11450, 'response.output_item.added', { response_id: 'resp_2', output_index: 0, item: assistant('item_a2') });
for (const t of [13000, 13100]) server(t, 'response.output_audio.delta', { ...loc('resp_2', 'item_a2'), delta: audio(500) });
server(13200, 'response.done', { response: response('resp_2', 'completed', { usage: usage(500, 200, 300, 0, null, 100, 20, 80) }) });

// Turn 3: a function call whose output the client sends 3 s later, then the follow-up response.
speech(20000, 21000, 19000, 20000, 'item_u3', 'Weather in Paris?');
server(21200, 'response.created', { response: response('resp_3a', 'in_progress') });
server(21250, 'response.output_item.added', { response_id: 'resp_3a', output_index: 0,
  item: { id: 'item_f3', type: 'function_call', status: 'in_progress', name: 'get_weather', call_id: 'call_1', arguments: '' } });
server(21500, 'response.function_call_arguments.done', { response_id: 'resp_3a', item_id: 'item_f3', output_index: 0, call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' });
server(21600, 'response.done', { response: response('resp_3a', 'completed', {
  output: [{ id: 'item_f3', type: 'function_call', status: 'completed', name: 'get_weather', call_id: 'call_1', arguments: '{"city":"Paris"}' }],
  usage: usage(600, 300, 300, 200, null, 30, 30, 0) }) });
client(24500, 'conversation.item.create', 'evt_out3', { item: { type: 'function_call_output', call_id: 'call_1', output: '{"sky":"sunny"}' } });
server(24505, 'conversation.item.added', { previous_item_id: 'item_f3', item: { id: 'item_o3', type: 'function_call_output', call_id: 'call_1', output: '{"sky":"sunny"}' } });
client(24510, 'response.create', 'evt_rc3');
server(24600, 'response.created', { response: response('resp_3b', 'in_progress') });
server(24650, 'response.output_item.added', { response_id: 'resp_3b', output_index: 0, item: assistant('item_a3') });
for (const t of [24800, 24850, 24900]) server(t, 'response.output_audio.delta', { ...loc('resp_3b', 'item_a3'), delta: audio(500) });
server(24950, 'response.output_audio_transcript.done', { ...loc('resp_3b', 'item_a3'), transcript: 'Sunny in Paris.' });
server(25000, 'response.done', { response: response('resp_3b', 'completed', {
  usage: usage(700, 350, 350, 350, { text_tokens: 150, audio_tokens: 200, image_tokens: 0 }, 200, 40, 160, 10) }) });

// Turn 4: 4 s of audio generated; the user speaks 0.78 s after it started playing, and the client truncates there.
speech(30000, 31000, 29000, 30000, 'item_u4', 'Tell me a story.');
server(31300, 'response.created', { response: response('resp_4', 'in_progress') });
server(31350, 'response.output_item.added', { response_id: 'resp_4', output_index: 0, item: assistant('item_a4') });
for (const t of [31500, 31600, 31700, 31800]) server(t, 'response.output_audio.delta', { ...loc('resp_4', 'item_a4'), delta: audio(1000) });
server(31900, 'response.output_audio_transcript.done', { ...loc('resp_4', 'item_a4'), transcript: 'Once upon a time there was a small robot who loved to sing and dance all day long.' });

// Turn 5: the short barge-in (0.4 s of speech) that interrupts turn 4.
server(32280, 'input_audio_buffer.speech_started', { audio_start_ms: 31300, item_id: 'item_u5' });
client(32290, 'conversation.item.truncate', 'evt_tr4', { item_id: 'item_a4', content_index: 0, audio_end_ms: 780 });
server(32295, 'conversation.item.truncated', { item_id: 'item_a4', content_index: 0, audio_end_ms: 780 });
server(32300, 'response.done', { response: response('resp_4', 'cancelled', { status_details: { type: 'cancelled', reason: 'turn_detected' },
  usage: usage(800, 300, 500, 0, { text_tokens: 0, audio_tokens: 0, image_tokens: 0 }, 250, 50, 200) }) });
server(32700, 'input_audio_buffer.speech_stopped', { audio_end_ms: 31700, item_id: 'item_u5' });
server(32710, 'input_audio_buffer.committed', { previous_item_id: null, item_id: 'item_u5' });
server(32800, 'conversation.item.input_audio_transcription.completed', { item_id: 'item_u5', content_index: 0, transcript: 'Wait.',
  usage: { type: 'tokens', total_tokens: 10, input_tokens: 8, input_token_details: { text_tokens: 0, audio_tokens: 8 }, output_tokens: 2 } });
server(32900, 'response.created', { response: response('resp_5', 'in_progress') });
server(32950, 'response.output_item.added', { response_id: 'resp_5', output_index: 0, item: assistant('item_a5') });
server(33100, 'response.output_audio.delta', { ...loc('resp_5', 'item_a5'), delta: audio(500) });
server(33200, 'response.done', { response: response('resp_5', 'completed', {
  usage: usage(900, 400, 500, 100, { text_tokens: 100, audio_tokens: 0, image_tokens: 0 }, 60, 12, 48) }) });

// Turn 6: typed text; the response fails; then a session.update the server rejects.
client(40000, 'conversation.item.create', 'evt_t6', { item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Book a flight.' }] } });
server(40005, 'conversation.item.added', { previous_item_id: null, item: { id: 'item_u6', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'Book a flight.' }] } });
client(40010, 'response.create', 'evt_rc6');
server(40100, 'response.created', { response: response('resp_6', 'in_progress') });
server(40200, 'response.done', { response: response('resp_6', 'failed', {
  status_details: { type: 'failed', error: { type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached.' } },
  usage: usage(0, 0, 0, 0, { text_tokens: 0, audio_tokens: 0, image_tokens: 0 }, 0, 0, 0) }) });
client(40300, 'session.update', 'evt_su2', { session: { type: 'realtime', audio: { output: { voice: 'nope' } } } });
server(40310, 'error', { error: { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value: 'nope'.", param: 'session.audio.output.voice', event_id: 'evt_su2' } });
server(40400, 'rate_limits.updated', { rate_limits: [{ name: 'tokens', limit: 40000, remaining: 35000, reset_seconds: 1 }] });

writeFileSync(out, lines.join('\n') + '\n');
