/** The compression worker (compress.ts): Snappy-compresses the pages it is sent and sends them back. */
import { parentPort } from 'node:worker_threads';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

parentPort!.on('message', ({ id, bufs }: { id: number; bufs: [ArrayBuffer, number, number][] }) => {
  const out = bufs.map(([b, at, n]) => snappyCompress(new Uint8Array(b, at, n)));
  parentPort!.postMessage({ id, bufs: out.map((o) => [o.buffer, o.byteOffset, o.length]) }, [...new Set(out.map((o) => o.buffer as ArrayBuffer))]);
});
