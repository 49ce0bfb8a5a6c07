import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/vrouter.js', import.meta.url));
const TRACE = fileURLToPath(new URL('./support/trace-loads.mjs', import.meta.url));
/** What an admin command must never load: the router, its web server, the AWS SDK, the embedded store. */
const HEAVY = [/\/services\/router\//, /\/node_modules\/fastify\//, /\/node_modules\/@aws-sdk\//, /\/node_modules\/dynalite\//, /\/packages\/store-dynamodb\//];

let dir: string;
let closedPort: number;

t.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vrouter-lazy-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built CLI with the module tracer; resolves with the exit code, stderr and every module URL it resolved. */
function traced(name: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string; modules: string[] }> {
  const file = join(dir, `${name}.txt`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', TRACE, BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VROUTER_TRACE_FILE: file, OTEL_SDK_DISABLED: 'true', ...env }, timeout: 60_000 },
      (error, _stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        let modules: string[] = [];
        try {
          modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
        } catch {
          // nothing resolved
        }
        resolve({ code: error ? (error.code as number) : 0, stderr, modules });
      },
    );
  });
}

t.test('the CLI loads the router only for the commands that run it', async (t) => {
  t.test('pins list loads neither the router nor fastify, the AWS SDK or the embedded store', async () => {
    const { code, stderr, modules } = await traced('pins', ['pins', 'list', '--url', `http://127.0.0.1:${closedPort}`, '--token', 'x'.repeat(20)]);
    assert.equal(code, 7, stderr);
    assert.ok(
      modules.some((m) => m.includes('/packages/client/')),
      'the tracer saw the client load',
    );
    for (const heavy of HEAVY)
      assert.deepEqual(
        modules.filter((m) => heavy.test(m)),
        [],
        `${heavy} is not loaded`,
      );
  });

  t.test('table create loads the router, and a refused configuration exits 2', async () => {
    const { code, stderr, modules } = await traced('table', ['table', 'create'], { VROUTER_LEASE_MS: 'soon' });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^vrouter: configuration error: /);
    assert.ok(
      modules.some((m) => /\/services\/router\/dist\//.test(m)),
      'the router was loaded',
    );
  });
});
