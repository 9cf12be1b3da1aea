// A capture whose every string a page might show tries to be markup: transcript, instructions, tool name,
// arguments and output, ids, an error message, an unknown type and a text frame. Used by the report's tests.
export const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  '</script><script>window.__pwned=2;alert(2)</script>',
  '<!--<script>window.__pwned=3</script>-->',
  'javascript:alert(4)',
  '<svg onload="window.__pwned=5;alert(5)"><a href="javascript:alert(6)">x</a></svg>',
  '\u2028\u2029</SCRIPT ><iframe src="javascript:alert(7)"></iframe>',
];
const bad = PAYLOADS.join(' ');

export function hostileCapture(): string {
  const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString();
  const lines: [number, 'server' | 'client', object | string][] = [
    [0, 'server', { type: 'session.created', event_id: 'e1', session: { type: 'realtime', id: `sess_${PAYLOADS[0]}`, model: 'gpt-realtime', instructions: bad, tools: [{ type: 'function', name: PAYLOADS[1] }], audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } }, output: { format: { type: 'audio/pcm', rate: 24000 }, voice: PAYLOADS[3] } } } }],
    [10, 'client', { type: 'session.update', event_id: 'c1', session: { instructions: `${bad} (updated)` } }],
    [60, 'server', { type: 'session.updated', event_id: 'e2', session: { type: 'realtime', model: 'gpt-realtime', instructions: bad } }],
    [1000, 'server', { type: 'input_audio_buffer.speech_started', event_id: 'e3', item_id: `item_${PAYLOADS[2]}`, audio_start_ms: 0 }],
    [2000, 'server', { type: 'input_audio_buffer.speech_stopped', event_id: 'e4', item_id: `item_${PAYLOADS[2]}`, audio_end_ms: 1000 }],
    [2100, 'server', { type: 'conversation.item.input_audio_transcription.completed', event_id: 'e5', item_id: `item_${PAYLOADS[2]}`, transcript: bad }],
    [2200, 'server', { type: 'response.created', event_id: 'e6', response: { id: `resp_${PAYLOADS[4]}`, status: 'in_progress', conversation_id: 'conv_1' } }],
    [2300, 'server', { type: 'response.output_audio_transcript.delta', event_id: 'e7', response_id: `resp_${PAYLOADS[4]}`, item_id: 'item_a', delta: bad }],
    [2400, 'server', { type: 'response.output_audio.delta', event_id: 'e8', response_id: `resp_${PAYLOADS[4]}`, item_id: 'item_a', delta: Buffer.alloc(4800).toString('base64') }],
    [2500, 'server', { type: 'response.function_call_arguments.done', event_id: 'e9', response_id: `resp_${PAYLOADS[4]}`, item_id: 'item_f', call_id: 'call_1', name: PAYLOADS[0], arguments: JSON.stringify({ q: bad }) }],
    [2600, 'server', { type: 'response.done', event_id: 'e10', response: { id: `resp_${PAYLOADS[4]}`, status: 'failed', conversation_id: 'conv_1', status_details: { type: 'failed', error: { code: PAYLOADS[5], message: bad } }, output: [{ type: 'message', id: 'item_a', role: 'assistant', content: [{ type: 'output_audio', transcript: bad }] }], usage: { total_tokens: 10, input_tokens: 5, output_tokens: 5 } } }],
    [3000, 'client', { type: 'conversation.item.create', event_id: 'c2', item: { type: 'function_call_output', call_id: 'call_1', output: bad } }],
    [3100, 'server', { type: 'error', event_id: 'e11', error: { type: 'invalid_request_error', code: PAYLOADS[1], message: bad, event_id: 'c2' } }],
    [3200, 'server', { type: PAYLOADS[1], event_id: 'e12', note: bad }],
    [3300, 'server', bad],
  ];
  return lines.map(([ms, dir, ev]) => (typeof ev === 'string'
    ? JSON.stringify({ ts: at(ms), dir, text: ev })
    : JSON.stringify({ ts: at(ms), dir, event: ev }))).join('\n') + '\n';
}
