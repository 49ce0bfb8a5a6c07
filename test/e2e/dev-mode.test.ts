import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { promisify } from 'node:util';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { apiClient, eventually } from '../src/stack.js';

const run = promisify(execFile);

/** The tour's shell lines (the export and each curl), in order, as dev mode printed them. */
function tourCommands(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^ {2}(export|curl) /.test(line))
    .map((line) => line.trim());
}

t.test('vrouter dev (what npm start runs)', async (t) => {
  let dataDir: string;
  let dev: RouterProcess;

  t.before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vrouter-dev-'));
    dev = await startRouterProcess(['dev'], { VROUTER_DATA_DIR: dataDir }, 60_000);
    await eventually(async () => (dev.output().includes('Ctrl-C') ? true : undefined), 60_000);
  });
  t.teardown(async () => {
    await dev?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  t.test('prints an admin token and a tour that works as printed', async () => {
    const commands = tourCommands(dev.output());
    assert.equal(commands.length, 9, dev.output());
    assert.match(commands[0]!, /^export VROUTER_URL=http:\/\/127\.0\.0\.1:\d+ VROUTER_TOKEN=vr_dev_/);
    // Each curl runs in bash after the export, exactly as a newcomer pastes them.
    const outputs: unknown[] = [];
    for (const command of commands.slice(1)) {
      const { stdout } = await run('bash', ['-c', `${commands[0]}\n${command}`]);
      outputs.push(JSON.parse(stdout));
    }
    type Resolved = { version: string };
    type Posted = { results: { status: string; dispatches: { component: string; version: string; status: string }[] }[] };
    type Lookup = { dispatches: { status: string; response: string }[] };
    const [acme, globex, postAcme, postGlobex, again, lookup, pin, acmeAfter] = outputs as [Resolved, Resolved, Posted, Posted, Posted, Lookup, { channel: string }, Resolved];
    assert.equal(acme.version, 'v1');
    assert.equal(globex.version, 'v2');
    assert.deepEqual(
      postAcme.results[0]!.dispatches.map((d) => [d.component, d.version, d.status]),
      [['release-coordinator', 'v1', 'succeeded']],
    );
    assert.deepEqual(
      postGlobex.results[0]!.dispatches.map((d) => [d.version, d.status]),
      [['v2', 'succeeded']],
    );
    assert.equal(again.results[0]!.status, 'duplicate');
    assert.equal(lookup.dispatches[0]!.status, 'succeeded');
    assert.match(lookup.dispatches[0]!.response, /release-coordinator@v2/);
    assert.equal(pin.channel, 'experimental');
    assert.equal(acmeAfter.version, 'v3');
  });

  t.test('keeps its data under the data directory across a restart', async () => {
    await stat(join(dataDir, 'dynamodb'));
    const token = /VROUTER_TOKEN=(\S+)/.exec(dev.output())![1]!;
    assert.equal(await dev.stop(), 0, dev.output());
    dev = await startRouterProcess(['dev'], { VROUTER_DATA_DIR: dataDir }, 60_000);
    await eventually(async () => (dev.output().includes('Ctrl-C') ? true : undefined), 60_000);
    assert.match(dev.output(), /existing data kept/);
    assert.ok(dev.output().includes(token), 'the same admin token is printed again');
    const resolved = await apiClient(dev.url, token)<{ version: string }>('GET', '/v1/resolve?component=release-coordinator&customer=acme');
    assert.equal(resolved.body.version, 'v3', 'the pin made before the restart is still there');
  });
});
