/** The compression worker (compress.ts): Snappy-compresses the pages it is sent; sends them back, and their buffers. */
import { parentPort } from 'node:worker_threads';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

parentPort!.on('message', ({ id, pages }: { id: number; pages: [ArrayBuffer, number, number][] }) => {
  const packed = pages.map(([b, at, n]) => snappyCompress(new Uint8Array(b, at, n)));
  const raw = [...new Set(pages.map(([b]) => b))];
  const out = [...new Set(packed.map((o) => o.buffer as ArrayBuffer))];
  parentPort!.postMessage({ id, packed: packed.map((o) => [o.buffer, o.byteOffset, o.length]), raw }, [...out, ...raw]);
});
