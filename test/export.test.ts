// rtev export: the tables read back by DuckDB equal what stats --json and turns --json say of the same captures.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutLoneSurrogates } from '../src/export/event-json.js';
import { tableColumns } from '../src/export/exporter.js';
import { TABLE_NAMES } from '../src/export/schema.js';
import { SCHEMA_TABLES, schemaMarkdown } from '../src/export/schema-doc.js';
import { duck, type Duck } from './duck.js';
import { fixture, rtev, rtevProcess, ROOT, tmp } from './helpers.js';

const SAMPLE = join(ROOT, 'recordings', 'sample.jsonl');
const BETA = fixture('real-beta-webrtc-session.jsonl');
const GENERATED = join(tmp(), 'generated.jsonl');

/** The DuckDB type each documented column type must read back as. */
const DUCK_TYPE = {
  string: 'VARCHAR', text: 'VARCHAR', json: 'JSON', int32: 'INTEGER', int64: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP WITH TIME ZONE', list: 'VARCHAR[]',
} as const;

let db: Duck;
beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--client', '--turns', '30', '--seed', '7', '--out', GENERATED]);
  db = await duck();
});
afterAll(() => db.close());

const json = async (args: string[]) => {
  const r = await rtev(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/** A `turns --json` object as the columns of the turns table. */
function flatten(t: any): Record<string, unknown> {
  const u = t.usage ?? {};
  const usage = Object.fromEntries(['input_tokens', 'output_tokens', 'total_tokens', 'input_text_tokens', 'input_audio_tokens', 'input_image_tokens',
    'cached_tokens', 'cached_text_tokens', 'cached_audio_tokens', 'cached_image_tokens', 'output_text_tokens', 'output_audio_tokens',
    'reasoning_tokens'].map((k) => [k, t.usage ? u[k] : null]));
  return {
    turn: t.turn, start: t.start === null ? null : Date.parse(t.start), seq: t.seq, input: t.input, user_item_id: t.user_item_id,
    user_transcript: t.user_transcript, speech_ms: t.speech_ms, response_ids: t.response_ids, status: t.status,
    status_reason: t.status_reason, response_ms: t.latency_ms.response, first_audio_ms: t.latency_ms.first_audio,
    duration_ms: t.latency_ms.duration, tool_wait_ms: t.latency_ms.tool_wait, tool_names: t.tools.map((x: any) => x.name),
    tools: t.tools, audio_generated_ms: t.audio_ms.generated, audio_heard_ms: t.audio_ms.heard, interrupted: t.interrupted,
    ...usage, cost_usd: t.cost_usd, error_codes: t.errors.map((e: any) => e.code), errors: t.errors, out_of_band: t.out_of_band,
    flags: t.flags,
  };
}

describe.each([['the bundled sample', SAMPLE], ['the real beta WebRTC session', BETA], ['a generated capture', GENERATED]])('rtev export of %s', (_, source) => {
  let dir: string;
  let stats: any;
  beforeAll(async () => {
    dir = join(tmp(), 'out');
    const r = await rtev(['export', source, '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    stats = JSON.parse(await json(['stats', '--json', source]));
  });
  const table = (t: string) => `'${join(dir, `${t}.parquet`)}'`;

  it('writes one file per table, each with the documented column types', async () => {
    expect(readdirSync(dir).sort()).toEqual(['events.parquet', 'responses.parquet', 'sessions.parquet', 'turns.parquet']);
    const cols = tableColumns(true);
    for (const t of TABLE_NAMES) {
      expect(await db.types(table(t)), t).toEqual(Object.fromEntries(cols[t].map((c) => [c.name, DUCK_TYPE[c.type]])));
    }
    const events = await db.types(table('events'));
    expect([events.ts, events.seq, events.bytes, events.known]).toEqual(['TIMESTAMP WITH TIME ZONE', 'BIGINT', 'BIGINT', 'BOOLEAN']);
  });

  it('has one events row per frame, and per type the counts of stats --json', async () => {
    const rows = await db.rows(`SELECT type, count(*) AS n FROM ${table('events')} WHERE known GROUP BY type`);
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toEqual({ ...stats.types });
    const unknown = await db.rows(`SELECT wire_type, count(*) AS n FROM ${table('events')} WHERE kind = 'event' AND NOT known GROUP BY 1`);
    expect(Object.fromEntries(unknown.map((r) => [r.wire_type, r.n]))).toEqual({ ...stats.unknown_types });
    const [all] = await db.rows(`SELECT count(*) AS n, count(ts) AS timed, sum(CASE WHEN dir = 'client' THEN 1 ELSE 0 END) AS client, max(seq) AS last FROM ${table('events')}`);
    expect(all).toEqual({ n: stats.events + stats.frames.text + stats.frames.binary, timed: stats.span.first ? all!.n : 0, client: stats.directions.client, last: all!.n });
    // Audio: the decoded bytes of the deltas and appends are the session's audio bytes.
    const [audio] = await db.rows(`SELECT coalesce(sum(audio_bytes) FILTER (WHERE dir = 'server'), 0) AS out, coalesce(sum(audio_bytes) FILTER (WHERE dir = 'client'), 0) AS inp FROM ${table('events')}`);
    expect(audio).toEqual({ out: stats.audio.output_bytes, inp: stats.audio.input_bytes });
    // Errors by code, as stats counts them.
    const errs = await db.rows(`SELECT error_code, count(*) AS n FROM ${table('events')} WHERE error_code IS NOT NULL GROUP BY 1`);
    expect(Object.fromEntries(errs.map((r) => [r.error_code, r.n]))).toEqual({ ...stats.errors });
  });

  it('keeps the events as JSON, with base64 audio replaced by its size', async () => {
    const rows = await db.rows(`SELECT type, audio_bytes, json FROM ${table('events')} ORDER BY seq`);
    const lines = (await json(['cat', '--json', source])).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(lines.length);
    rows.forEach((r, i) => {
      const want = lines[i].event;
      if (r.audio_bytes !== null) {
        const key = 'delta' in want ? 'delta' : 'audio';
        expect(Buffer.byteLength(want[key], 'base64')).toBe(r.audio_bytes);
        want[key] = `<${r.audio_bytes} bytes>`;
      }
      expect(JSON.parse(r.json), `row ${i}`).toEqual(want);
    });
  });

  it("has each event's top-level ids, as JSON.parse reads them", async () => {
    const rows = await db.rows(`SELECT event_id, response_id, item_id, call_id FROM ${table('events')} ORDER BY seq`);
    const lines = (await json(['cat', '--json', source])).trim().split('\n').map((l) => JSON.parse(l));
    const id = (v: unknown) => (typeof v === 'string' ? v : null);
    expect(rows).toEqual(lines.map(({ event: e }) => ({
      event_id: id(e?.event_id), response_id: id(e?.response_id), item_id: id(e?.item_id), call_id: id(e?.call_id),
    })));
  });

  it('has the turns of turns --json, field by field, and their responses', async () => {
    const turns = (await json(['turns', '--json', source])).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const rows = await db.rows(`SELECT * EXCLUDE (session_id, source) REPLACE (epoch_ms(start) AS start, tools::VARCHAR AS tools, errors::VARCHAR AS errors, out_of_band::VARCHAR AS out_of_band) FROM ${table('turns')} ORDER BY turn`);
    expect(rows).toHaveLength(turns.length);
    expect(rows.length).toBe(stats.turns.total);
    rows.forEach((r, i) => {
      const got = { ...r, tools: JSON.parse(r.tools), errors: JSON.parse(r.errors), out_of_band: JSON.parse(r.out_of_band) };
      expect(got, `turn ${i + 1}`).toEqual(flatten(turns[i]));
    });
    const [resp] = await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE out_of_band) AS oob FROM ${table('responses')}`);
    expect(resp).toEqual({ n: stats.responses.total, oob: stats.responses.out_of_band });
    const status = await db.rows(`SELECT status, count(*) AS n FROM ${table('responses')} GROUP BY 1`);
    expect(Object.fromEntries(status.map((r) => [r.status, r.n]))).toEqual({ ...stats.responses.status });
  });

  it("has one session whose tokens, cost, turns and errors are stats'", async () => {
    const rows = await db.rows(`SELECT * FROM ${table('sessions')}`);
    expect(rows).toHaveLength(1);
    const s = rows[0]!;
    const u = stats.usage;
    expect({
      input_tokens: s.input_tokens, output_tokens: s.output_tokens, total_tokens: s.total_tokens, cached_tokens: s.cached_tokens,
      transcription_tokens: s.transcription_tokens, cost_usd: s.cost_usd, turns: s.turns, interrupted: s.interrupted, responses: s.responses,
      errors: s.errors, model: s.model, events: s.events,
    }).toEqual({
      input_tokens: u.input_tokens, output_tokens: u.output_tokens, total_tokens: u.total_tokens, cached_tokens: u.cached_tokens,
      transcription_tokens: u.transcription_tokens, cost_usd: stats.cost_usd?.total ?? null, turns: stats.turns.total,
      interrupted: stats.turns.interrupted, responses: stats.responses.total,
      errors: Object.values<number>(stats.errors).reduce((a, n) => a + n, 0), model: stats.cost_usd?.model ?? s.model, events: stats.events,
    });
    // Every row of every table names the session of session.created.
    const first = JSON.parse((await json(['cat', '--json', source])).split('\n')[0]!);
    const id = first.event.type === 'session.created' ? first.event.session.id : null;
    expect(s.session_id).toBe(id ?? `${source}#1`);
    for (const t of TABLE_NAMES) {
      expect(await db.rows(`SELECT DISTINCT session_id FROM ${table(t)}`), t).toEqual(t === 'events' || (await db.rows(`SELECT 1 FROM ${table(t)} LIMIT 1`)).length ? [{ session_id: s.session_id }] : []);
    }
  });
});

describe('rtev export documentation', () => {
  it('lists every column of every table in the README, with its type and meaning, as the code defines them', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const t of SCHEMA_TABLES) expect(readme, t.name).toContain(schemaMarkdown(t));
  });
});

describe('rtev export layouts', () => {
  it('partitions by date, Hive style, and DuckDB reads the partitions back with hive_partitioning', async () => {
    const dir = join(tmp(), 'fleet');
    const r = await rtev(['export', SAMPLE, BETA, GENERATED, '-o', dir, '--partition', 'date']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sessions +3 rows in [23] files$/m);
    const day = (f: string) => JSON.parse(readFileSync(f, 'utf8').split('\n').find((l) => l.includes('"ts"'))!).ts.slice(0, 10);
    expect(readdirSync(join(dir, 'sessions')).sort()).toEqual([...new Set([`date=${day(SAMPLE)}`, `date=${day(GENERATED)}`, 'date=__HIVE_DEFAULT_PARTITION__'])].sort());
    expect(existsSync(join(dir, 'turns', `date=${day(SAMPLE)}`, 'part-0.parquet'))).toBe(true);
    const rows = await db.rows(`SELECT date::VARCHAR AS date, count(*) AS n, sum(turns) AS turns FROM read_parquet('${dir}/sessions/*/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1 NULLS LAST`);
    const turnsOf = async (f: string) => JSON.parse(await json(['stats', '--json', f])).turns.total;
    const want = new Map<string | null, { date: string | null; n: number; turns: number }>();
    for (const [f, date] of [[SAMPLE, day(SAMPLE)], [GENERATED, day(GENERATED)], [BETA, null]] as const) {
      const w = want.get(date) ?? { date, n: 0, turns: 0 };
      want.set(date, { date, n: w.n + 1, turns: w.turns + await turnsOf(f) });
    }
    expect(rows).toEqual([...want.values()].sort((a, b) => (a.date === null ? 1 : b.date === null ? -1 : a.date < b.date ? -1 : 1)));
    expect((await db.types(`read_parquet('${dir}/turns/*/*.parquet', hive_partitioning = true)`)).date).toBe('DATE');
    // A turn and its session are in the same partition.
    const joined = await db.rows(`SELECT count(*) AS n FROM read_parquet('${dir}/turns/*/*.parquet', hive_partitioning = true) t JOIN read_parquet('${dir}/sessions/*/*.parquet', hive_partitioning = true) s ON t.session_id = s.session_id AND t.date IS NOT DISTINCT FROM s.date`);
    const all = JSON.parse(await json(['stats', '--json', SAMPLE, BETA, GENERATED]));
    expect(joined[0]!.n).toBe(all.turns.total);

    // --append adds part files; the counts double.
    const again = await rtev(['export', SAMPLE, BETA, GENERATED, '-o', dir, '--partition', 'date', '--append']);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(dir, 'turns', `date=${day(SAMPLE)}`, 'part-1.parquet'))).toBe(true);
    const [n] = await db.rows(`SELECT count(*) AS n FROM read_parquet('${dir}/events/*/*.parquet', hive_partitioning = true)`);
    expect(n!.n).toBe(2 * (all.events + all.frames.text + all.frames.binary));
  });

  it('as a real process, compresses full row groups on a worker thread, and DuckDB reads every row back', async () => {
    // 20 MB of small events: more than one row group, so the pages go through the compression worker.
    const big = join(tmp(), 'events.jsonl');
    execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--no-audio', '--mb', '20', '--out', big]);
    const dir = join(tmp(), 'out');
    const r = await rtevProcess(['export', big, '-o', dir]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(await json(['stats', '--json', big]));
    const groups = await db.rows(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${dir}/events.parquet')`);
    expect(groups[0]!.n).toBeGreaterThan(1);
    const rows = await db.rows(`SELECT type, count(*) AS n, sum(bytes) AS bytes, count(json) AS json FROM '${dir}/events.parquet' GROUP BY type`);
    expect(Object.fromEntries(rows.map((x) => [x.type, x.n]))).toEqual({ ...stats.types });
    expect(rows.reduce((a, x) => a + x.json, 0)).toBe(stats.events);
    const [s] = await db.rows(`SELECT turns, input_tokens, cost_usd FROM '${dir}/sessions.parquet'`);
    expect(s).toEqual({ turns: stats.turns.total, input_tokens: stats.usage.input_tokens, cost_usd: stats.cost_usd.total });
  });

  it('refuses a folder that holds tables without --force or --append, and --append needs the same layout', async () => {
    const dir = join(tmp(), 'out');
    expect((await rtev(['export', SAMPLE, '-o', dir])).code).toBe(0);
    const refused = await rtev(['export', SAMPLE, '-o', dir]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^rtev: .*out already holds tables \(events\.parquet, .*\): --append adds to them, --force replaces them\n$/);
    expect((await rtev(['export', SAMPLE, '-o', dir, '--partition', 'date', '--append'])).stderr).toMatch(/holds a plain export/);
    expect((await rtev(['export', SAMPLE, '-o', dir, '--format', 'jsonl', '--append'])).stderr).toMatch(/holds parquet tables, not jsonl/);
    expect((await rtev(['export', SAMPLE, '-o', dir, '--append', '--force'])).code).toBe(2);

    const appended = await rtev(['export', SAMPLE, '-o', dir, '--append']);
    expect(appended.code, appended.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['events-2.parquet', 'events.parquet', 'responses-2.parquet', 'responses.parquet',
      'sessions-2.parquet', 'sessions.parquet', 'turns-2.parquet', 'turns.parquet']);
    const count = async () => (await db.rows(`SELECT count(*) AS n FROM '${dir}/events*.parquet'`))[0]!.n;
    expect(await count()).toBe(2 * 768);

    const forced = await rtev(['export', SAMPLE, '-o', dir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['events.parquet', 'responses.parquet', 'sessions.parquet', 'turns.parquet']);
    expect(await count()).toBe(768);
  });

  it('writes the same rows as JSON lines with --format jsonl, and leaves the json column out with --no-json', async () => {
    const a = join(tmp(), 'pq');
    const b = join(tmp(), 'jl');
    expect((await rtev(['export', GENERATED, '-o', a, '--no-json'])).code).toBe(0);
    expect((await rtev(['export', GENERATED, '-o', b, '--format', 'jsonl', '--no-json'])).code).toBe(0);
    expect(readdirSync(b).sort()).toEqual(['events.jsonl', 'responses.jsonl', 'sessions.jsonl', 'turns.jsonl']);
    expect(Object.keys(await db.types(`'${a}/events.parquet'`))).not.toContain('json');
    for (const t of TABLE_NAMES) {
      const cols = tableColumns(false)[t];
      const typed = cols.map((c) => `'${c.name}': '${DUCK_TYPE[c.type].replace('TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ')}'`).join(', ');
      const fromJsonl = await db.rows(`SELECT * FROM read_json('${b}/${t}.jsonl', format = 'newline_delimited', columns = {${typed}}) ORDER BY ALL`);
      const fromParquet = await db.rows(`SELECT * FROM '${a}/${t}.parquet' ORDER BY ALL`);
      expect(fromJsonl, t).toEqual(fromParquet);
    }
  });

  it("replaces the audio of an envelope whose event is a JSON string, as of a bare event's", async () => {
    const src = join(tmp(), 'envelopes.jsonl');
    const delta = { type: 'response.output_audio.delta', response_id: 'r1', item_id: 'i1', delta: 'AAAAAAAA' };
    writeFileSync(src, [
      JSON.stringify({ direction: 'in', event: JSON.stringify(delta), timestamp: '2026-11-25T10:00:00Z' }),
      JSON.stringify({ direction: 'in', event: delta, timestamp: '2026-11-25T10:00:01Z' }),
      JSON.stringify(delta),
    ].join('\n') + '\n');
    const dir = join(tmp(), 'out');
    expect((await rtev(['export', src, '-o', dir])).code).toBe(0);
    const rows = await db.rows(`SELECT json, audio_bytes FROM '${dir}/events.parquet' ORDER BY seq`);
    expect(rows.map((r) => [JSON.parse(r.json), r.audio_bytes])).toEqual(Array(3).fill([{ ...delta, delta: '<6 bytes>' }, 6]));
  });

  it('writes an event_id and json of invalid UTF-8 or a lone surrogate as JSON.parse reads them, and DuckDB reads the file', async () => {
    const src = join(tmp(), 'ids.jsonl');
    const ids = ['"ev_1"', '"ev\xff"', '"e\\ud800"', '"\xc3\xa9-id"', '"\\u0041b"', '5'];
    writeFileSync(src, Buffer.concat(ids.map((id) => Buffer.from(`{"type":"input_audio_buffer.committed","event_id":${id},"item_id":"i"}\n`, 'latin1'))));
    // What JSON.parse gives of each line as rtev reads it (bytes decoded as UTF-8, invalid ones replaced).
    const want = readFileSync(src, 'utf8').trim().split('\n').map((l) => JSON.parse(l).event_id).map((v) => (typeof v === 'string' ? v : null));
    expect(want[1]).toBe('ev\ufffd');
    expect(want[2]).toBe('e\ud800');
    expect(want[3]).toBe('é-id');
    const pq = join(tmp(), 'pq');
    const jl = join(tmp(), 'jl');
    expect((await rtev(['export', src, '-o', pq])).code).toBe(0);
    expect((await rtev(['export', src, '-o', jl, '--format', 'jsonl'])).code).toBe(0);
    const rows = await db.rows(`SELECT event_id, json FROM '${pq}/events.parquet' ORDER BY seq`);
    // Parquet holds UTF-8, and DuckDB's JSON no lone surrogate: it can only be written as U+FFFD there.
    const wellFormed = want.map((v) => v?.replace(/[\ud800-\udfff]/g, '\ufffd') ?? null);
    expect(rows.map((r) => r.event_id)).toEqual(wellFormed);
    expect(rows.map((r) => JSON.parse(r.json).event_id)).toEqual([...wellFormed.slice(0, 5), 5]);
    const lines = readFileSync(join(jl, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event_id);
    expect(lines).toEqual(want);
  });

  it('replaces only the escapes of lone surrogates in JSON text, read escape by escape', () => {
    const cases: [string, string][] = [
      ['"\\ud83d\\ude00"', '"\\ud83d\\ude00"'], // a pair stays
      ['"\\ud800"', '"\\ufffd"'], ['"\\uDC00x"', '"\\ufffdx"'], // lone high, lone low
      ['"\\ud800\\ud83d\\ude00"', '"\\ufffd\\ud83d\\ude00"'], // a high before a pair
      ['"\\\\ud800"', '"\\\\ud800"'], // an escaped backslash, then text
      ['"\\\\\\ud800"', '"\\\\\\ufffd"'], // an escaped backslash, then a lone surrogate
      ['{"a":"\\u0041\\n","b":"\\udfff"}', '{"a":"\\u0041\\n","b":"\\ufffd"}'],
    ];
    for (const [text, want] of cases) {
      expect(withoutLoneSurrogates(text), text).toBe(want);
    }
  });

  it('exports every capture of a folder, recursively, in name order, and names what it could not read', async () => {
    const src = tmp();
    mkdirSync(join(src, 'a'));
    mkdirSync(join(src, 'b', 'deeper'), { recursive: true });
    writeFileSync(join(src, 'a', 'sample.jsonl.gz'), gzipSync(readFileSync(SAMPLE)));
    copyFileSync(BETA, join(src, 'b', 'deeper', 'beta.jsonl'));
    writeFileSync(join(src, 'b', 'notes.txt'), 'not a capture');
    writeFileSync(join(src, 'c.jsonl.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8])); // gzip, cut short
    const dir = join(tmp(), 'out');
    const r = await rtev(['export', src, '-o', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/c\.jsonl\.gz: corrupt gzip data/);
    const sessions = await db.rows(`SELECT source, events FROM '${dir}/sessions.parquet'`);
    expect(sessions).toEqual([{ source: join(src, 'a', 'sample.jsonl.gz'), events: 768 }, { source: join(src, 'b', 'deeper', 'beta.jsonl'), events: 1344 }]);
    const missing = await rtev(['export', join(tmp(), 'nothing-here.jsonl'), '-o', join(tmp(), 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nothing-here\.jsonl: no such file/);
  });
});
