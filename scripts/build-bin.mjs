#!/usr/bin/env node
// npm run build:bin: a single executable for this platform (linux-x64 here), built offline from the sources:
// 1. esbuild bundles the CLI into one CommonJS file;
// 2. Node's single-executable feature turns it into a blob (node --experimental-sea-config);
// 3. postject injects the blob into a copy of the running `node`.
// (pkg and its fork cannot build here: they download Node binaries.)
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const out = (name) => join(dist, name);
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: out('rtev.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  // DuckDB is a native package: a single executable cannot hold it. `rtev sql` loads it from node_modules at run
  // time when it can (README, "Choices we made"), and otherwise says how to install it.
  external: ['@duckdb/node-api'],
  define: {
    RTEV_VERSION: JSON.stringify(version),
    'import.meta.url': '"file:///rtev"', // unused: RTEV_VERSION answers --version
    // ws's optional native add-ons cannot be required from inside a single executable.
    'process.env.WS_NO_BUFFER_UTIL': '"1"',
    'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
  },
});

const seaConfig = out('sea-config.json');
writeFileSync(seaConfig, JSON.stringify({ main: out('rtev.cjs'), output: out('rtev.blob'), disableExperimentalSEAWarning: true }));
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

const bin = out('rtev');
rmSync(bin, { force: true });
copyFileSync(process.execPath, bin);
chmodSync(bin, 0o755);
// postject warns about ELF note sections it does not need; its output is shown only if it fails.
try {
  execFileSync(process.execPath, [join(root, 'node_modules', 'postject', 'dist', 'cli.js'), bin, 'NODE_SEA_BLOB', out('rtev.blob'),
    '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: 'pipe' });
} catch (e) {
  process.stderr.write(String(e.stderr ?? e));
  process.exit(1);
}
rmSync(seaConfig);
rmSync(out('rtev.blob'));
console.log(`built ${bin} (rtev ${version}, ${process.platform}-${process.arch}, Node ${process.version})`);
