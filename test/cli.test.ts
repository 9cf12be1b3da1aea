// The real CLI, as a subprocess: what a user's shell sees.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, rtevProcess, tmp, ROOT } from './helpers.js';

describe('rtev as a subprocess', () => {
  it('--help lists the commands, exit codes and environment', async () => {
    const r = await rtevProcess(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['cat', 'filter', 'stats', 'types', 'Exit codes:', '130', 'NO_COLOR']) expect(r.stdout).toContain(word);
    const cat = await rtevProcess(['cat', '--help']);
    expect(cat.stdout).toContain('--time <mode>');
    // The exit codes and the environment are said once, in rtev --help.
    expect(cat.stdout).not.toContain('Exit codes:');
  });

  it('--version prints the package version', async () => {
    const r = await rtevProcess(['--version']);
    const pkg = JSON.parse((await import('node:fs')).readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('exits 2 on usage errors, with one line and no stack trace', async () => {
    for (const args of [['cat', '--bogus'], ['nope'], ['cat', '--time', 'yesterday'], ['filter', '-n', 'x'], ['filter', '--family', 'sound'], ['filter', '--since', 'soon']]) {
      const r = await rtevProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 1 for a missing file, naming it', async () => {
    const r = await rtevProcess(['cat', 'missing.jsonl']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'rtev: missing.jsonl: no such file\n' });
  });

  it('names each source it cannot read, reads the others, and exits 1', async () => {
    const r = await rtevProcess(['stats', '--json', 'missing.jsonl', tmp(), fixture('spec-ga-server-events.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rtev: missing\.jsonl: no such file\nrtev: \/\S+: a folder with no captures \(.*\)\n(rtev: note: .*\n)*$/);
    expect(JSON.parse(r.stdout).events).toBe(46);
  });

  it('exits 1 with --strict when a line is malformed, 0 without', async () => {
    const input = '{"type":"error","event_id":"e","error":{}}\nnope\n';
    expect((await rtevProcess(['cat', '--strict', '-'], { input })).code).toBe(1);
    const lax = await rtevProcess(['cat', '-'], { input });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toBe('stdin:2: not a JSON object\n');
  });

  it('reads stdin via - and with no SOURCE', async () => {
    const input = '{"type":"input_audio_buffer.cleared","event_id":"e"}\n';
    for (const args of [['cat', '-', '--time', 'none'], ['cat', '--time', 'none']]) {
      const r = await rtevProcess(args, { input });
      expect(r.stdout).toBe('↓ input_audio_buffer.cleared\n');
    }
  });

  it('ends quietly with exit 0 when the reader goes away (| head -1)', async () => {
    const r = await rtevProcess(['cat', fixture('real-beta-webrtc-session.jsonl'), '--all'], { shell: '| head -1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const big = await rtevProcess(['cat', '--raw', join(ROOT, 'recordings', 'sample.jsonl')], { shell: '| head -c 100 >/dev/null' });
    expect(big).toMatchObject({ code: 0, stderr: '' });
  });

  it('reads a gzip file', async () => {
    const p = join(tmp(), 'capture.jsonl.gz');
    writeFileSync(p, gzipSync((await import('node:fs')).readFileSync(fixture('spec-ga-server-events.jsonl'))));
    const r = await rtevProcess(['cat', '--json', p]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(46);
  });

  it('reads a HAR file', async () => {
    const har = { log: { version: '1.2', entries: [{ _resourceType: 'websocket', _webSocketMessages: [
      { type: 'receive', time: 1764072000.25, opcode: 1, data: '{"type":"session.created","event_id":"e1","session":{"model":"gpt-realtime"}}' },
      { type: 'send', time: 1764072000.5, opcode: 1, data: '{"type":"response.create"}' },
    ] }] } };
    const p = join(tmp(), 'devtools.har');
    writeFileSync(p, JSON.stringify(har, null, 2));
    const r = await rtevProcess(['cat', p]);
    expect(r.stdout).toBe('12:00:00.250 ↓ session.created                          gpt-realtime\n12:00:00.500 ↑ response.create\n');
  });

  it('never prints a stack trace, whatever the input', async () => {
    const inputs = ['\u0000\u0001\u0002', '{'.repeat(10000), '[', '{"log":{}}', '"just a string"', '\u001f\u008b garbage'];
    for (const input of inputs) {
      for (const cmd of ['cat', 'stats', 'filter']) {
        const r = await rtevProcess([cmd], { input });
        expect(r.stderr, `${cmd} ${JSON.stringify(input.slice(0, 10))}`).not.toMatch(/\n\s+at |internal error/);
        expect([0, 1]).toContain(r.code);
      }
    }
  });
});

describe('when no SOURCE can be read', () => {
  it('every summarising command says why in one line and prints, writes and leaves nothing else (exit 1)', async () => {
    const dir = tmp();
    const missing = join(dir, 'nosuch.jsonl');
    const notCapture = join(dir, 'export.csv');
    writeFileSync(notCapture, 'a,b\n1,2\n');
    const commands = [
      ['stats'], ['stats', '--json'], ['turns'], ['turns', '--json'], ['session'], ['session', '--json'], ['check'],
      ['filter', '--count'], ['audio', '-o', join(dir, 'wav')], ['report'], ['export', '-o', join(dir, 'tables', 'x')],
      ['sql', 'select 1'], ['transcript'],
    ];
    for (const source of [missing, notCapture]) {
      for (const args of commands) {
        const r = await rtevProcess([...args, source]);
        const what = `${args.join(' ')} ${source}`;
        expect(r.code, what).toBe(1);
        expect(r.stdout, what).toBe('');
        expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      }
      const d = await rtevProcess(['diff', source, join(ROOT, 'recordings', 'sample.jsonl')]);
      expect([d.code, d.stdout, d.stderr.trim().split('\n').length]).toEqual([1, '', 1]);
    }
    // No page, no tables, no WAV folder: the next run is not refused.
    expect(readdirSync(dir).sort()).toEqual(['export.csv']);
    // One readable source among them: its summary, and exit 1 for the other.
    const both = await rtevProcess(['stats', '--json', missing, join(ROOT, 'recordings', 'sample.jsonl')]);
    expect([both.code, JSON.parse(both.stdout).events]).toEqual([1, 768]);
  });
});
