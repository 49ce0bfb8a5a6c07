import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { buildRouterPackage, planPackage } from '../src/router-package.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function write(path: string, content: string | object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
}

const esm = (name: string, version: string, dependencies: Record<string, string> = {}, extra: object = {}) => ({
  name,
  version,
  type: 'module',
  main: 'index.js',
  dependencies,
  ...extra,
});

/**
 * A miniature installed workspace: the router depends on a workspace package (@x/w, linked from node_modules), on
 * `a` (which needs c@2, nested under it by npm) and on c@1 (hoisted); it has a dev dependency that must stay out.
 */
function fixtureRepository(root: string): void {
  write(join(root, 'package.json'), { name: 'root', private: true, workspaces: ['packages/*', 'services/*'] });
  write(join(root, 'packages/w/package.json'), esm('@x/w', '1.0.0', { b: '1' }, { main: 'dist/index.js', files: ['dist'] }));
  write(join(root, 'packages/w/dist/index.js'), "import b from 'b'; export default 'w+' + b;\n");
  write(join(root, 'packages/w/dist/index.d.ts'), 'export default string;\n');
  write(join(root, 'packages/w/src/index.ts'), 'source, not shipped\n');
  mkdirSync(join(root, 'node_modules/@x'), { recursive: true });
  symlinkSync('../../packages/w', join(root, 'node_modules/@x/w'), 'dir');
  write(join(root, 'node_modules/a/package.json'), esm('a', '1.0.0', { c: '2' }));
  write(join(root, 'node_modules/a/index.js'), "import c from 'c'; export default 'a+' + c;\n");
  write(join(root, 'node_modules/a/node_modules/c/package.json'), esm('c', '2.0.0'));
  write(join(root, 'node_modules/a/node_modules/c/index.js'), "export default 'c2';\n");
  write(join(root, 'node_modules/b/package.json'), esm('b', '1.0.0', {}, { optionalDependencies: { 'not-installed': '1' } }));
  write(join(root, 'node_modules/b/index.js'), "export default 'b1';\n");
  write(join(root, 'node_modules/c/package.json'), esm('c', '1.0.0'));
  write(join(root, 'node_modules/c/index.js'), "export default 'c1';\n");
  write(join(root, 'node_modules/c/index.d.ts'), 'declare const c: string; export default c;\n');
  write(join(root, 'node_modules/devtool/package.json'), esm('devtool', '1.0.0'));
  write(join(root, 'node_modules/devpeer/package.json'), esm('devpeer', '1.0.0'));
  write(join(root, 'services/router/package.json'), {
    name: '@x/router',
    type: 'module',
    files: ['dist', 'bin'],
    dependencies: { '@x/w': '1.0.0', a: '1', c: '1' },
    devDependencies: { devtool: '1', devpeer: '1' },
    peerDependencies: { devpeer: '1' },
    peerDependenciesMeta: { devpeer: { optional: true } },
  });
  write(
    join(root, 'services/router/dist/lambda/eventbridge.js'),
    "import w from '@x/w'; import a from 'a'; import c from 'c';\nexport const handler = async () => [w, a, c].join(' ');\n",
  );
}

t.test("the router's production package", async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'vrouter-package-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'repo');
  // Outside the fixture repository, so that nothing can be resolved from its node_modules by accident.
  const out = join(work, 'package');
  fixtureRepository(root);
  buildRouterPackage(root, out);

  t.test('resolves every import from the package alone, each dependency at the version its dependent gets', async () => {
    const module = (await import(join(out, 'services/router/dist/lambda/eventbridge.js'))) as { handler: () => Promise<string> };
    assert.equal(await module.handler(), 'w+b1 a+c2 c1');
  });

  t.test('copies workspace packages as directories, by their files list, without sources or declarations', async () => {
    assert.ok(existsSync(join(out, 'node_modules/@x/w/dist/index.js')));
    assert.ok(!existsSync(join(out, 'node_modules/@x/w/src')));
    assert.ok(!existsSync(join(out, 'node_modules/@x/w/dist/index.d.ts')));
    assert.ok(!existsSync(join(out, 'node_modules/c/index.d.ts')));
  });

  t.test('leaves out development dependencies and packages nothing imports', async () => {
    assert.ok(!existsSync(join(out, 'node_modules/devtool')));
    assert.ok(!existsSync(join(out, 'packages')));
  });

  t.test('leaves out optional peers, even when they are installed', async () => {
    assert.ok(!existsSync(join(out, 'node_modules/devpeer')));
  });

  t.test('rebuilds only when a source file changed', async () => {
    const sentinel = join(out, 'sentinel');
    writeFileSync(sentinel, 'left alone while nothing changed');
    buildRouterPackage(root, out);
    assert.ok(existsSync(sentinel));
    write(join(root, 'node_modules/c/index.js'), "export default 'c1, patched';\n");
    buildRouterPackage(root, out);
    assert.ok(!existsSync(sentinel));
    assert.equal(readFileSync(join(out, 'node_modules/c/index.js'), 'utf8'), "export default 'c1, patched';\n");
  });

  t.test('says what to run when the router is not built or a dependency is not installed', async () => {
    rmSync(join(root, 'services/router/dist'), { recursive: true });
    assert.throws(() => buildRouterPackage(root, join(work, 'again')), /build the router first/);
    rmSync(join(root, 'node_modules/b'), { recursive: true });
    assert.throws(() => planPackage(root, join(root, 'services/router')), /^Error: b, a dependency of @x\/w, is not installed/);
  });
});

t.test("the router's production package in this repository", async (t) => {
  const entries = planPackage(repoRoot, join(repoRoot, 'services/router'));
  const targets = new Set(entries.map((entry) => entry.target));

  t.test('holds the router and every workspace package it imports', async () => {
    for (const target of [
      'services/router',
      'node_modules/@vrouter/core',
      'node_modules/@vrouter/store-dynamodb',
      'node_modules/@vrouter/dispatch',
      'node_modules/@vrouter/telemetry',
    ]) {
      assert.ok(targets.has(target), target);
    }
    assert.ok(targets.has('node_modules/fastify'));
  });

  t.test('holds none of the development-only packages', async () => {
    for (const name of ['dynalite', 'classic-level', '@vrouter/local-targets']) assert.ok(!targets.has(`node_modules/${name}`), name);
  });

  t.test('holds none of the build tools', async () => {
    for (const tool of ['typescript', 'turbo', 'tsx', 'esbuild', 'aws-cdk-lib', 'aws-cdk', '@biomejs/biome', 'cdk-nag']) {
      assert.ok(!targets.has(`node_modules/${tool}`), tool);
    }
  });
});
