// The Parquet writer, read back by DuckDB: every type, nulls, empty and long lists, many pages and row groups.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Value } from '../src/export/columns.js';
import { ParquetWriter, type ColumnSpec } from '../src/export/parquet.js';
import { duck } from './duck.js';
import { tmp } from './helpers.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'n', type: 'int64' }, { name: 's', type: 'string' }, { name: 't', type: 'text' }, { name: 'j', type: 'json' },
  { name: 'i', type: 'int32' }, { name: 'l', type: 'int64' }, { name: 'd', type: 'double' }, { name: 'b', type: 'boolean' },
  { name: 'ts', type: 'timestamp' }, { name: 'f', type: 'list' },
];

/** A deterministic pseudo-random row: every column null now and then, strings of every length and script. */
function makeRow(k: number): Value[] {
  const r = (m: number) => ((k * 2654435761) >>> 0) % m;
  const maybe = <T>(v: T, m = 7): T | null => (r(m) === 0 ? null : v);
  const word = ['', 'a', 'héllo', 'ünïcödé ✓', 'x'.repeat(3000), '"quoted"\n', 'tab\there'][k % 7]!;
  return [
    k,
    maybe(['server', 'client', 'response.done', word][k % 4]!),
    maybe(`id_${k}_${word}`),
    maybe(JSON.stringify({ k, word })),
    maybe((k % 2 ? -1 : 1) * r(2147483647)),
    maybe((k % 3 ? -1 : 1) * k * 1_000_003 * 997),
    maybe(k / 7),
    maybe(k % 3 === 0),
    maybe(1_700_000_000_000 + k * 1001),
    k % 11 === 0 ? null : Array.from({ length: k % 5 }, (_, i) => `${word}${i}`),
  ];
}

describe('ParquetWriter', () => {
  it('writes every type so that DuckDB reads back exactly the values written, over many pages and row groups', async () => {
    const dir = tmp();
    const path = join(dir, 't.parquet');
    // Small row groups and long strings: several row groups, and several pages in the chunks of long strings.
    const w = new ParquetWriter(path, COLUMNS, { maxRows: 9000 });
    const N = 30000;
    for (let k = 0; k < N; k++) w.write(makeRow(k));
    await w.close();
    expect(existsSync(path + '.tmp')).toBe(false);
    const db = await duck();
    const meta = await db.rows(`SELECT count(DISTINCT row_group_id) AS groups, max(num_values) AS most FROM parquet_metadata('${path}')`);
    expect(meta[0]!.groups).toBeGreaterThanOrEqual(4); // 9,000 rows each, or fewer when 4 MiB comes first
    const pages = await db.rows(`SELECT count(*) AS pages FROM parquet_metadata('${path}')`);
    expect(pages[0]!.pages).toBeGreaterThan(0);
    const types = await db.types(`'${path}'`);
    expect(types).toEqual({
      n: 'BIGINT', s: 'VARCHAR', t: 'VARCHAR', j: 'JSON', i: 'INTEGER', l: 'BIGINT', d: 'DOUBLE', b: 'BOOLEAN',
      ts: 'TIMESTAMP WITH TIME ZONE', f: 'VARCHAR[]',
    });
    const rows = await db.rows(`SELECT * REPLACE (epoch_ms(ts) AS ts) FROM '${path}' ORDER BY n`);
    db.close();
    expect(rows).toHaveLength(N);
    for (let k = 0; k < N; k++) {
      const want = makeRow(k);
      const got = COLUMNS.map((c) => rows[k]![c.name]);
      expect(got, `row ${k}`).toEqual(want);
    }
  });

  it('writes a page without nulls, or of nulls only, or of one dictionary value, as one run (a few bytes), read back the same', async () => {
    const path = join(tmp(), 'runs.parquet');
    const cols: ColumnSpec[] = [
      { name: 'n', type: 'int64' }, { name: 'session', type: 'string' }, { name: 'nothing', type: 'text' },
      { name: 'never', type: 'string' }, { name: 'some', type: 'int32' }, { name: 'kind', type: 'string' },
    ];
    const w = new ParquetWriter(path, cols, { maxRows: 5000 });
    const row = (k: number): Value[] => [k, 'sess_1', null, null, k % 3 ? k : null, k % 2 ? 'a' : 'b'];
    const N = 12000;
    for (let k = 0; k < N; k++) w.write(row(k));
    await w.close();
    const db = await duck();
    const rows = await db.rows(`SELECT * FROM '${path}' ORDER BY n`);
    const sizes = await db.rows(`SELECT path_in_schema AS col, max(total_uncompressed_size) AS most FROM parquet_metadata('${path}') GROUP BY 1`);
    db.close();
    expect(rows).toEqual(Array.from({ length: N }, (_, k) => Object.fromEntries(cols.map((c, i) => [c.name, row(k)[i]]))));
    const size = Object.fromEntries(sizes.map((s) => [s.col, s.most]));
    // 5,000 rows: a bit per row would be 625 bytes of levels alone, and 625 more of indexes for `session`.
    for (const c of ['session', 'nothing', 'never']) expect(size[c], c).toBeLessThan(120);
    expect(size.kind).toBeGreaterThan(600); // alternating values: bit-packed, as before
  });

  it('splits a large column chunk into pages of about 1 MiB, and writes an empty table with its schema', async () => {
    const dir = tmp();
    const big = join(dir, 'big.parquet');
    const w = new ParquetWriter(big, [{ name: 'j', type: 'json' }, { name: 'f', type: 'list' }]);
    const long = 'y'.repeat(1000);
    for (let k = 0; k < 20000; k++) w.write([`{"k":${k},"v":"${long}"}`, [long, String(k)]]);
    await w.close();
    const empty = join(dir, 'empty.parquet');
    await new ParquetWriter(empty, COLUMNS).close();
    const db = await duck();
    // 40 MB in row groups of about 4 MiB (the byte bound), each column chunk in pages of about 1 MiB.
    const m = await db.rows(`SELECT count(*) AS chunks, sum(total_uncompressed_size) AS size, min(total_uncompressed_size) AS least FROM parquet_metadata('${big}') WHERE path_in_schema = 'j'`);
    expect(m[0]!.chunks).toBeGreaterThanOrEqual(9);
    expect(m[0]!.least).toBeGreaterThan(1 << 20); // so several pages
    expect(m[0]!.size).toBeGreaterThan(20_000_000);
    const back = await db.rows(`SELECT count(*) AS n, sum(len(j)) AS bytes, sum(len(f)) AS items, max(f[2]::INT) AS last FROM '${big}'`);
    expect(back[0]).toEqual({ n: 20000, bytes: 20000 * (long.length + 13) + [...Array(20000).keys()].reduce((a, k) => a + String(k).length, 0), items: 40000, last: 19999 });
    expect(await db.rows(`SELECT count(*) AS n FROM '${empty}'`)).toEqual([{ n: 0 }]);
    expect(Object.keys(await db.types(`'${empty}'`))).toEqual(COLUMNS.map((c) => c.name));
    db.close();
    expect(readdirSync(dir).sort()).toEqual(['big.parquet', 'empty.parquet']);
    expect(statSync(big).size).toBeLessThan(4_000_000); // Snappy: the repeated text shrinks tenfold
  });
});
