import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { promisify } from 'node:util';
import { type RouterProcess, startRouterProcess, VROUTER_BIN } from '../src/child.js';
import { apiClient, eventually } from '../src/stack.js';

const run = promisify(execFile);

t.test('vrouter dev --function: your own handler on the local Lambda endpoint', async (t) => {
  let dir: string;
  let dev: RouterProcess;
  let api: ReturnType<typeof apiClient>;

  t.before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouter-fn-'));
    // A named `handler` export, as Lambda's Node runtime expects, and an async default export.
    await writeFile(join(dir, 'handler.mjs'), 'export const handler = (event, context) => ({ mine: event.id, qualifier: context.qualifier, version: event.vrouter.version });\n');
    await writeFile(join(dir, 'v2.mjs'), 'export default async (event) => { if (event.data?.boom) throw new TypeError("v2 says boom"); return { v2: event.id }; };\n');
    dev = await startRouterProcess(
      ['dev', '--function', `my-fn=${join(dir, 'handler.mjs')}`, '--function', `my-fn:2=${join(dir, 'v2.mjs')}`],
      { VROUTER_DATA_DIR: join(dir, 'data'), VROUTER_LOG_FORMAT: 'pretty' },
      60_000,
    );
    await eventually(async () => (dev.output().includes('Ctrl-C') ? true : undefined), 10_000);
    const token = /VROUTER_TOKEN=(\S+)/.exec(dev.output())![1]!;
    api = apiClient(dev.url, token);
    const ok = async (p: Promise<{ status: number; body: unknown }>) => {
      const r = await p;
      assert.ok(r.status < 300, JSON.stringify(r.body));
    };
    await ok(api('PUT', '/v1/components/mine', { subscriptions: ['order.*'] }));
    // Both keep their answers (versions opt in), so the test can read what the handler returned.
    await ok(api('PUT', '/v1/components/mine/versions/v1', { target: { kind: 'lambda', functionName: 'my-fn', qualifier: '1' }, recordResponse: true }));
    await ok(api('PUT', '/v1/components/mine/versions/v2', { target: { kind: 'lambda', functionName: 'my-fn', qualifier: '2' }, recordResponse: true }));
    await ok(api('PUT', '/v1/components/mine/channels/stable', { version: 'v1' }));
    await ok(api('PUT', '/v1/components/mine/channels/beta', { version: 'v2' }));
    await ok(api('PUT', '/v1/pins/customer/initech/mine', { channel: 'beta', reason: 'tries v2' }));
  });
  t.teardown(async () => {
    await dev?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  type Posted = { results: { dispatches: { version: string; status: string }[] }[] };
  type Detail = { dispatches: { status: string; response: string | null; lastError: { code: string; message: string } | null }[] };
  const post = async (id: string, customer: string, data: unknown = {}) => {
    const r = await api<Posted>('POST', '/v1/events?wait=true', { specversion: '1.0', id, source: '/shop', type: 'order.placed', customerid: customer, data });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return (await api<Detail>('GET', `/v1/events/%2Fshop/${id}`)).body.dispatches[0]!;
  };

  t.test('prints the functions it serves', async () => {
    assert.match(dev.output(), /your function my-fn \(any qualifier, e\.g\. --lambda my-fn:1\) from .*handler\.mjs/);
    assert.match(dev.output(), /your function my-fn:2 \(--lambda my-fn:2\) from .*v2\.mjs/);
  });

  t.test('serves the module under any qualifier and another as version 2, with the payload and context a Lambda handler gets', async () => {
    const latest = await post('o-1', 'acme');
    assert.equal(latest.status, 'succeeded');
    assert.deepEqual(JSON.parse(latest.response!), { mine: 'o-1', qualifier: '1', version: 'v1' });
    const two = await post('o-2', 'initech');
    assert.equal(two.status, 'succeeded');
    assert.deepEqual(JSON.parse(two.response!), { v2: 'o-2' });
  });

  t.test("records the handler's throw as the function's error", async () => {
    const failed = await post('o-3', 'initech', { boom: true });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.lastError?.code, 'FunctionError:TypeError');
    assert.match(failed.lastError!.message, /v2 says boom/);
    // VROUTER_LOG_FORMAT=pretty: one human line for the failure, with the event, component, version and error.
    const line = (
      await eventually(async () =>
        dev
          .output()
          .split('\n')
          .find((l) => l.includes('dispatch of event o-3')),
      )
    ).value;
    assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: dispatch of event o-3 to mine@v2 failed after 1 attempt\(s\): FunctionError:TypeError: v2 says boom/);
    assert.ok(!line.startsWith('{'), 'not JSON');
    assert.equal(
      dev
        .output()
        .split('\n')
        .filter((l) => l.includes('dispatch of event o-3')).length,
      1,
      'logged once',
    );
  });

  t.test('refuses a bad --function with exit code 2 before starting anything', async () => {
    for (const [spec, message] of [
      ['my-fn', /expected name\[:qualifier\]=path/],
      [`my-fn=${join(dir, 'missing.mjs')}`, /no file at/],
      [`my-fn=${join(dir, 'data')}`, /no file at/],
    ] as const) {
      const failure = await run(process.execPath, [VROUTER_BIN, 'dev', '--function', spec], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VROUTER_DATA_DIR: join(dir, 'other'), PORT: '0', HOST: '127.0.0.1' },
      }).then(
        () => assert.fail(`dev --function ${spec} started`),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failure.code, 2, failure.stderr);
      assert.match(failure.stderr, message);
    }
  });
});
