// What users install: the npm tarball holds only what they need, installs into an empty folder (fetching only
// its dependencies from the registry) and runs; a global install works too.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tmp } from './helpers.js';

const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

describe('npm package', () => {
  let tarball = '';
  let files: string[] = [];
  beforeAll(() => {
    const dir = tmp();
    // --ignore-scripts: `npm test` has just built dist/, and rebuilding it here would race the other test files.
    const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT));
    files = out[0].files.map((f: { path: string }) => f.path);
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  }, 120000);

  it('contains only bin/, dist/ (with the types of rtev/capture), the README, LICENSE, package.json and one sample', () => {
    for (const f of files) expect(f, f).toMatch(/^(bin\/rtev|dist\/.+\.js|dist\/capture\.d\.ts|README\.md|LICENSE|package\.json|recordings\/sample\.jsonl)$/);
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/capture.d.ts');
    expect(files).toContain('bin/rtev');
    expect(files.some((f) => f.startsWith('test/') || f === 'dist/rtev')).toBe(false);
  });

  it('installs from the tarball into an empty folder and runs', () => {
    const dir = tmp();
    npm(['install', tarball], dir);
    const pkg = JSON.parse(execFileSync('cat', [join(ROOT, 'package.json')], { encoding: 'utf8' }));
    expect(execFileSync('npx', ['--no-install', 'rtev', '--version'], { cwd: dir, encoding: 'utf8' })).toBe(`${pkg.version}\n`);
    const cat = execFileSync('npx', ['--no-install', 'rtev', 'cat', 'node_modules/rtev/recordings/sample.jsonl'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(cat).toContain('response.output_audio.delta');
    // --jobs needs its worker file in the package (dist/parallel/worker.js): the installed copy reads with it.
    expect(existsSync(join(dir, 'node_modules', 'rtev', 'dist', 'parallel', 'worker.js'))).toBe(true);
    const sample = 'node_modules/rtev/recordings/sample.jsonl';
    const jobs = execFileSync('npx', ['--no-install', 'rtev', 'filter', '--count', '--jobs', '2', sample, sample], { cwd: dir, encoding: 'utf8' });
    expect(jobs).toBe('1536\n');
    const capture = "import('rtev/capture').then((m) => console.log(typeof m.openRecording))";
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', capture], { cwd: dir, encoding: 'utf8' })).toBe('function\n');
  }, 120000);

  it('installs globally (here into a private prefix)', () => {
    const prefix = tmp();
    npm(['install', '-g', '--prefix', prefix, tarball], prefix);
    expect(execFileSync(join(prefix, 'bin', 'rtev'), ['stats', '--json', join(ROOT, 'recordings', 'sample.jsonl')], { encoding: 'utf8' })).toContain('"events": 768');
  }, 120000);
});
