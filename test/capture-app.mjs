// A small "app" that records its own session with rtev/capture, imported by the package's public name, and
// its own timestamps (2026-01-02T03:04:05Z onwards). Used by test/proxy-capture.test.ts.
import { openRecording } from 'rtev/capture';

const [file] = process.argv.slice(2);
const t0 = Date.parse('2026-01-02T03:04:05.000Z');
const at = (ms) => ({ ts: new Date(t0 + ms) });
const audio = Buffer.alloc(4800).toString('base64'); // 0.1 s of 24 kHz PCM16

const rec = await openRecording(file, { source: 'capture-app' });
rec.server('{"type":"session.created","event_id":"e1","session":{"model":"gpt-realtime"}}', at(0));
rec.client({ type: 'response.create' }, at(100));
rec.server(Buffer.from(JSON.stringify({ type: 'response.created', event_id: 'e2', response: { id: 'resp_1', status: 'in_progress' } })), at(150));
for (let i = 0; i < 3; i++) {
  rec.server({ type: 'response.output_audio.delta', event_id: `e${3 + i}`, response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: audio }, at(400 + i * 100));
}
rec.server({ type: 'response.done', event_id: 'e9', response: { id: 'resp_1', status: 'completed', usage: { input_tokens: 10, output_tokens: 20, total_tokens: 30 } } }, { ts: t0 + 2000 });
rec.server(new Uint8Array([1, 2, 3]), { binary: true, ts: '2026-01-02T03:04:07.500Z' });
await rec.close({ code: 1000 });
console.log(rec.frames);
