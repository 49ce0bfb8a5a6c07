import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { assetSize, buildRouterBundle, DEV_ONLY_PACKAGES, type RouterBundle } from '../src/router-bundle.js';
import { eventBridgeEvent, type LambdaWorld, sqsEvent, startLambdaWorld } from './lambda-world.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every file under `directory`, relative to it. */
function files(directory: string, prefix = ''): string[] {
  return readdirSync(join(directory, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(directory, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

t.test("the router's Lambda bundle", async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'vrouter-bundle-'));
  let bundle: RouterBundle;
  let world: LambdaWorld;
  t.before(async () => {
    bundle = buildRouterBundle(repoRoot, out);
    world = await startLambdaWorld();
  });
  t.teardown(async () => {
    await world?.close();
    rmSync(out, { recursive: true, force: true });
  });

  t.test('holds one file per handler, the telemetry bootstrap, and only the AWS SDK and the OpenTelemetry API as packages', async () => {
    assert.deepEqual(Object.keys(bundle.bundles).sort(), ['eventbridge.mjs', 'sqs.mjs', 'telemetry.mjs']);
    for (const name of bundle.externals) assert.match(name, /^(@aws-sdk\/|@smithy\/|@opentelemetry\/api$)/);
    const topLevel = readdirSync(out).sort();
    assert.deepEqual(topLevel, ['eventbridge.mjs', 'node_modules', 'package.json', 'sqs.mjs', 'telemetry.mjs']);
    // A guard against the unbundled tree (80 MB) coming back, not a speed claim.
    assert.ok(assetSize(out) < 30e6, `${assetSize(out)} bytes`);
  });

  t.test('contains no dynalite, LevelDB or local-targets code', async () => {
    const leaked = bundle.inputs.filter((input) => DEV_ONLY_PACKAGES.some((name) => input.includes(`node_modules/${name}/`)) || input.includes('packages/local-targets/'));
    assert.deepEqual(leaked, []);
    const all = files(out);
    assert.deepEqual(
      all.filter((file) => /(^|\/)node_modules\/(dynalite|level|classic-level|abstract-level|@vrouter)\//.test(`/${file}`)),
      [],
    );
    for (const file of Object.keys(bundle.bundles)) {
      const code = readFileSync(join(out, file), 'utf8');
      assert.ok(!code.includes('dynalite'), `${file} mentions dynalite`);
      assert.ok(!code.includes('local-targets'), `${file} mentions local-targets`);
    }
  });

  t.test('answers an EventBridge event from a fresh process: routed, dispatched to the pinned version, recorded', async () => {
    const event = eventBridgeEvent();
    const answer = await world.invoke(join(out, 'eventbridge.mjs'), event);
    assert.deepEqual(answer.result, {
      source: event.source,
      id: event.id,
      status: 'accepted',
      dispatches: [{ component: 'release-coordinator', version: 'v1', channel: 'stable', pin: null, pinSource: 'default', status: 'succeeded' }],
    });
    assert.equal(world.lambda.invocations.filter((i) => (i.payload as { id?: unknown }).id === event.id).length, 1);
  });

  t.test('answers an SQS batch from a fresh process with no failed items', async () => {
    const event = sqsEvent();
    const answer = await world.invoke(join(out, 'sqs.mjs'), event);
    assert.deepEqual(answer.result, { batchItemFailures: [] });
    const id = (JSON.parse((event.Records as { body: string }[])[0]!.body) as { id: string }).id;
    assert.equal(world.lambda.invocations.filter((i) => (i.payload as { id?: unknown }).id === id).length, 1);
  });

  t.test('traces with the bootstrap loaded as the functions load it (NODE_OPTIONS), AWS SDK calls included', async () => {
    const answer = await world.invoke(join(out, 'eventbridge.mjs'), eventBridgeEvent(), {
      NODE_OPTIONS: `--import=${join(out, 'telemetry.mjs')}`,
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    });
    assert.equal((answer.result as { status: string }).status, 'accepted');
    const spans = new Set([...answer.stdout.matchAll(/name: '([^']+)'/g)].map((match) => match[1]));
    for (const name of ['vrouter.event', 'vrouter.dispatch', 'release-coordinator Invoke']) assert.ok(spans.has(name), `no ${name} span in ${[...spans].join(', ')}`);
    assert.ok(
      [...spans].some((name) => name?.startsWith('DynamoDB.')),
      'no DynamoDB span: the AWS SDK instrumentation did not apply',
    );
  });
});
