import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const USER_SCRIPT = fileURLToPath(new URL('./fixtures/use-packages.mjs', import.meta.url));
/** The packages meant for users. */
const PUBLISHED = ['@vrouter/core', '@vrouter/api', '@vrouter/client', '@vrouter/store-dynamodb', '@vrouter/infra'];

/** Third-party packages the scratch app installs itself, at the versions this repository has (in the npm cache). */
function installedVersion(name: string): string {
  for (const directory of [join(repoRoot, 'infra', 'node_modules', name), join(repoRoot, 'node_modules', name)]) {
    if (existsSync(join(directory, 'package.json'))) return (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version: string }).version;
  }
  throw new Error(`${name} is not installed in the repository`);
}

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

interface UserView {
  resolution: { resolved: boolean; version?: string; via?: unknown };
  components: { items: { name: string; path: string }[] };
  functions: { handler: string; runtime: string }[];
  tableName: string;
  errors: string[];
}

t.test('the published packages, packed and installed into a scratch project', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'vrouter-pack-'));
  const tarballs = join(work, 'tarballs');
  const scratch = join(work, 'scratch');
  let packed: Packed[];
  let view: UserView;
  t.before(async () => {
    mkdirSync(tarballs);
    mkdirSync(scratch);
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...PUBLISHED.flatMap((name) => ['-w', name])], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    packed = JSON.parse(stdout) as Packed[];
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
    // Offline apart from a registry fallback: ours come from the tarballs, third-party packages from the npm cache.
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        ...packed.map((p) => join(tarballs, p.filename)),
        ...['aws-cdk-lib', 'constructs', 'cdk-nag'].map((name) => `${name}@${installedVersion(name)}`),
      ],
      { cwd: scratch, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
    );
    copyFileSync(USER_SCRIPT, join(scratch, 'use-packages.mjs'));
    const used = await run(process.execPath, ['use-packages.mjs', join(scratch, 'cdk.out')], { cwd: scratch, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
    view = JSON.parse(used.stdout.trim().split('\n').at(-1)!) as UserView;
  });
  t.teardown(() => rmSync(work, { recursive: true, force: true }));

  t.test('packs each with its build, its types and its manifest, and no sources or tests', async () => {
    assert.deepEqual(packed.map((p) => p.name).sort(), [...PUBLISHED].sort());
    for (const p of packed) {
      const paths = p.files.map((file) => file.path);
      assert.ok(paths.includes('dist/index.js') && paths.includes('dist/index.d.ts'), `${p.name}: ${paths.slice(0, 10).join(', ')}`);
      assert.ok(!paths.some((path) => path.startsWith('src/') || path.startsWith('test/')), `${p.name} ships sources or tests`);
      const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules', p.name, 'package.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(manifest.private, undefined, `${p.name} is private`);
      assert.equal(manifest.license, 'Apache-2.0');
      assert.ok(manifest.repository, `${p.name} names its repository`);
      assert.deepEqual((manifest.exports as Record<string, { types?: string }>)['.']?.types, './dist/index.d.ts');
    }
    assert.ok(
      packed.find((p) => p.name === '@vrouter/infra')!.files.some((file) => file.path === 'lambda/eventbridge.mjs'),
      'the construct package ships the Lambda bundle',
    );
  });

  t.test('installs no development-only package (dynalite, local targets) and not the router itself', async () => {
    const installed = readdirSync(join(scratch, 'node_modules'));
    for (const name of ['dynalite', 'classic-level', 'level']) assert.ok(!installed.includes(name), name);
    const ours = readdirSync(join(scratch, 'node_modules', '@vrouter')).sort();
    assert.deepEqual(ours, ['api', 'client', 'core', 'infra', 'store-dynamodb']);
  });

  t.test('resolves a version with @vrouter/core', async () => {
    assert.equal(view.resolution.resolved, true);
    assert.equal(view.resolution.version, 'v7');
  });

  t.test('calls the API with @vrouter/client', async () => {
    assert.deepEqual(view.components.items, [{ name: 'builder', path: '/v1/components' }]);
  });

  t.test('synthesizes a VersionRouter in a scratch CDK app, cdk-nag clean, on the shipped bundle', async () => {
    assert.deepEqual(view.errors, []);
    assert.deepEqual(view.functions.map((f) => f.handler).sort(), ['eventbridge.handler', 'sqs.handler']);
    for (const f of view.functions) assert.equal(f.runtime, 'nodejs22.x');
    const assets = readdirSync(join(scratch, 'cdk.out')).filter((name) => name.startsWith('asset.'));
    assert.ok(
      assets.some((asset) => existsSync(join(scratch, 'cdk.out', asset, 'eventbridge.mjs'))),
      `no asset holds the bundle: ${assets.join(', ')}`,
    );
  });
});
