// The real CLI reading what is not a regular file (FIFOs, process substitution, /dev/stdin) and folders.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, rtevProcess, tmp } from './helpers.js';

const ev = (type: string, extra = '') => `{"type":"${type}","event_id":"e1"${extra}}`;
const CAPTURE = [ev('session.created', ',"session":{}'), ev('response.created', ',"response":{"id":"r"}'), ev('response.done', ',"response":{"id":"r"}')].join('\n') + '\n';

describe('non-regular files as SOURCE', () => {
  it('reads a FIFO, written while rtev reads it', async () => {
    const fifo = join(tmp(), 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('bash', ['-c', `cat '${fixture('real-beta-webrtc-session.jsonl')}' > '${fifo}'`]);
    const r = await rtevProcess(['filter', '--type', 'response.done', '--count', fifo]);
    writer.kill();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('54\n');
  });

  it('reads process substitution, <(…)', async () => {
    const p = join(tmp(), 'c.jsonl');
    writeFileSync(p, CAPTURE);
    const r = await rtevProcess(['stats', '--json'], { shell: `<(cat '${p}') <(gzip -c '${p}')` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events).toBe(6);
  });

  it('reads /dev/stdin when stdin is a pipe', async () => {
    const p = join(tmp(), 'c.jsonl');
    writeFileSync(p, CAPTURE);
    const r = await rtevProcess(['cat', '--json', '/dev/stdin'], { shell: `< <(cat '${p}')` });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).variant)).toEqual(['SessionCreated', 'ResponseCreated', 'ResponseDone']);
    const piped = await rtevProcess(['cat', '--json', '/dev/stdin'], { shell: `< '${p}'` });
    expect(piped.stdout.trim().split('\n')).toHaveLength(3);
    // Spawned by Node, stdin is a socket, which cannot be reopened by name: /dev/stdin is read as stdin.
    const socket = await rtevProcess(['cat', '--json', '/dev/stdin'], { input: CAPTURE });
    expect(socket.stderr).toBe('');
    expect(socket.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('reads a pretty-printed array from a pipe, element by element', async () => {
    const p = join(tmp(), 'a.json');
    writeFileSync(p, JSON.stringify(CAPTURE.trim().split('\n').map((l) => JSON.parse(l)), null, 2));
    const r = await rtevProcess(['filter', '--count'], { shell: `< <(cat '${p}')` });
    expect(r.stdout).toBe('3\n');
  });
});

describe('folders as SOURCE', () => {
  it('stats, filter and cat read every capture of a folder, recursively, in name order', async () => {
    const d = join(tmp(), 'recordings');
    mkdirSync(join(d, '2026', '11'), { recursive: true });
    writeFileSync(join(d, '2026', '11', 'b.jsonl'), CAPTURE);
    writeFileSync(join(d, 'a.json'), JSON.stringify([JSON.parse(ev('error', ',"error":{}'))]));
    writeFileSync(join(d, 'README.md'), '# not a capture\n');
    const stats = await rtevProcess(['stats', '--json', d]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout).events).toBe(4);
    const cat = await rtevProcess(['cat', '--json', d]);
    expect(cat.stdout.trim().split('\n').map((l) => JSON.parse(l).variant)).toEqual(['SessionCreated', 'ResponseCreated', 'ResponseDone', 'Error']); // 2026/… sorts before a.json
    const filter = await rtevProcess(['filter', '--type', 'response.done', d]);
    expect(filter.stdout).toBe(ev('response.done', ',"response":{"id":"r"}') + '\n');
    const byFile = JSON.parse((await rtevProcess(['stats', '--json', '--by-file', d])).stdout);
    expect(byFile.files.map((f: any) => [f.sources[0].slice(d.length + 1), f.events])).toEqual([['2026/11/b.jsonl', 3], ['a.json', 1]]);
  });

  it('names a folder with no captures in one line, exit 1', async () => {
    const d = join(tmp(), 'empty');
    mkdirSync(d);
    const r = await rtevProcess(['stats', d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`rtev: ${d}: a folder with no captures (.jsonl, .json or .har, optionally .gz, in it or its subfolders)\n`);
  });
});
