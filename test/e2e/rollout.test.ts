import assert from 'node:assert/strict';
import t from 'tap';
import { exampleHandler, FailOnDemand } from '@vrouter/local-targets';
import { createRuntime, loadConfig, type Runtime } from '@vrouter/router';
import { cliFor } from '../src/cli-run.js';
import { type Api, type ApiResponse, apiClient, cloudEvent, eventually, LOCAL_CREDENTIALS, seedSvc, type Stack, startStack, TABLE, TOKEN } from '../src/stack.js';

const ENV = {
  VROUTER_POLL_INTERVAL_MS: '200',
  VROUTER_HEALTH_FLUSH_MS: '200',
  VROUTER_ROLLOUT_INTERVAL_MS: '100',
};

interface RolloutView {
  state: string;
  step: number;
  percent: number;
  requiredSuccesses?: number;
  progress?: { successes: number; required: number };
  candidate: { dispatches: number; failed: number };
  baseline: { dispatches: number };
  decisions: { at: string; action: string; why: string; actor: string; dryRun?: boolean }[];
}
type Results = { results: { status: string; dispatches: { version: string; status: string }[] }[] };
type Audit = { entries: { action: string; actor: string; subject?: string; reason?: string; after: Record<string, unknown> | null }[] };

const ok = (r: ApiResponse, what: string) => assert.ok(r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);

t.test('gated rollouts on two routers sharing one store', async (t) => {
  let stack: Stack;
  let second: Runtime;
  let apis: Api[];
  const failures = new FailOnDemand();
  let sent = 0;

  t.before(async () => {
    stack = await startStack({ env: ENV });
    stack.lambda.register('svc', '2', exampleHandler('svc', 'v2', { failures }));
    await seedSvc(stack.api);
    second = await createRuntime({
      config: loadConfig({ VROUTER_ADMIN_TOKEN: TOKEN, VROUTER_TABLE: TABLE, VROUTER_LOG_LEVEL: 'silent', VROUTER_ADMIN_RATE_LIMIT: '1000000', ...ENV }),
      dynamo: stack.dynamo,
      lambda: { endpoint: stack.lambdaUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 },
    });
    apis = [stack.api, apiClient(await second.app.listen({ host: '127.0.0.1', port: 0 }))];
  });
  t.teardown(async () => {
    await second?.close();
    await stack?.close();
  });

  /** Posts a batch of events for fresh customers, alternating routers, and waits for their outcomes. */
  async function send(type: string, count: number): Promise<Results['results']> {
    const events = Array.from({ length: count }, () => cloudEvent({ type, customerid: `cust-${sent++}` }));
    const response = await apis[sent % 2]!<Results>('POST', '/v1/events?wait=true', events, { contentType: 'application/cloudevents-batch+json' });
    assert.equal(response.status, 202);
    return response.body.results;
  }
  const rollout = async (component: string) => (await stack.api<RolloutView>('GET', `/v1/components/${component}/rollout`)).body;
  const audit = async (component: string) => (await stack.api<Audit>('GET', `/v1/audit?component=${component}&limit=1000`)).body.entries;
  /** A customer in the share for the rollout now running, as each router resolves it. */
  const resolveOn = async (api: Api, component: string, customer: string) =>
    (await api<{ version: string; source: string }>('GET', `/v1/resolve?component=${component}&customer=${customer}`)).body;

  t.test('aborts a 1-in-50 failing candidate on its first error and returns its customers, and beta, to stable', async (t) => {
    ok(await stack.api('PUT', '/v1/components/svc/channels/beta', { version: 'v1' }), 'beta v1');
    ok(await stack.api('PUT', '/v1/components/svc/channels/beta', { version: 'v2' }), 'beta v2');
    ok(await stack.api('PUT', '/v1/pins/customer/beta-fan/svc', { channel: 'beta' }), 'pin');
    failures.set('v2', 50);
    const started = await stack.api<RolloutView>('PUT', '/v1/components/svc/rollout', {
      version: 'v2',
      steps: [{ percent: 50, bakeSeconds: 3600 }, { percent: 100 }],
      gate: { abortOnFirstError: true, minDispatches: 10 },
      reason: 'e2e: a bad candidate',
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.percent, 50);

    // Both routers route the share to the candidate, explained as a rollout.
    const inShare = await eventually(async () => {
      for (let i = 0; i < 50; i++) {
        const r = await resolveOn(apis[1]!, 'svc', `probe-${i}`);
        if (r.source === 'rollout') return `probe-${i}`;
      }
      return undefined;
    });
    assert.equal((await resolveOn(stack.api, 'svc', inShare.value)).version, 'v2');

    const deadline = Date.now() + 60_000;
    let candidateDispatches = 0;
    while ((await rollout('svc')).state === 'running' && sent < 5000 && Date.now() < deadline) {
      for (const result of await send('build.finished', 25)) candidateDispatches += result.dispatches.filter((d) => d.version === 'v2').length;
    }
    const view = await rollout('svc');
    assert.equal(view.state, 'aborted', `after ${sent} events, ${candidateDispatches} to the candidate`);
    assert.equal(view.percent, 0);
    const abort = view.decisions.at(-1)!;
    assert.equal(abort.action, 'abort');
    assert.match(abort.why, /^first error: v2 failed event/);

    // Time from the first failed dispatch's outcome to the abort decision (measured, not asserted: see bench/).
    const firstError = stack.lambda.invocations.find((i) => i.qualifier === '2' && i.outcome === 'error')!;
    const { source, id } = firstError.payload as { source: string; id: string };
    const event = await stack.api<{ dispatches: { component: string; status: string; updatedAt: string }[] }>(
      'GET',
      `/v1/events/${encodeURIComponent(source)}/${encodeURIComponent(id)}`,
    );
    assert.equal(event.status, 200, JSON.stringify({ source, id, body: event.body }));
    const failedAt = event.body.dispatches.find((d) => d.component === 'svc')!;
    assert.equal(failedAt.status, 'failed');
    t.comment(`first failed dispatch to abort: ${Date.parse(abort.at) - Date.parse(failedAt.updatedAt)} ms (${candidateDispatches} candidate dispatches)`);

    // Exactly one router took the abort, and beta went back once.
    await eventually(async () => ((await stack.api<{ channels: { beta?: string } }>('GET', '/v1/components/svc')).body.channels.beta === 'v1' ? true : undefined));
    // The channel moves are audited right after they are made.
    const { value: entries } = await eventually(async () => {
      const all = await audit('svc');
      return all.some((e) => e.action === 'channel.rollback') ? all : undefined;
    });
    assert.equal(entries.filter((e) => e.action === 'rollout.abort').length, 1);
    assert.deepEqual(
      entries.filter((e) => e.action === 'channel.rollback').map((e) => e.subject),
      ['beta'],
    );
    // Every customer is back on stable, on both routers: the share and the beta-pinned one. The abort and the channel
    // move are two writes, so a router's snapshot may hold the first before the second: wait for both.
    for (const api of apis) {
      await eventually(async () => {
        const [share, pinned] = await Promise.all([resolveOn(api, 'svc', inShare.value), resolveOn(api, 'svc', 'beta-fan')]);
        return share.version === 'v1' && pinned.version === 'v1' ? true : undefined;
      });
    }
    failures.set('v2', 0);
    const afterwards = await send('build.finished', 50);
    assert.deepEqual([...new Set(afterwards.flatMap((r) => r.dispatches.map((d) => `${d.version} ${d.status}`)))], ['v1 succeeded']);
  });

  t.test('walks a healthy candidate through every step and makes it stable, each transition taken once', async () => {
    ok(await stack.api('PUT', '/v1/components/walk', { subscriptions: ['deploy.*'] }), 'component');
    ok(await stack.api('PUT', '/v1/components/walk/versions/v1', { target: { kind: 'lambda', functionName: 'svc', qualifier: '1' } }), 'v1');
    ok(await stack.api('PUT', '/v1/components/walk/versions/v3', { target: { kind: 'lambda', functionName: 'svc', qualifier: '3' } }), 'v3');
    ok(await stack.api('PUT', '/v1/components/walk/channels/stable', { version: 'v1' }), 'stable');
    const started = await stack.api<RolloutView>('PUT', '/v1/components/walk/rollout', {
      version: 'v3',
      steps: [
        { percent: 10, bakeSeconds: 1 },
        { percent: 50, bakeSeconds: 1 },
        { percent: 100, bakeSeconds: 1 },
      ],
      gate: { abortOnFirstError: true, maxErrorRate: 0.05, minDispatches: 10, promoteAfter: { successes: 40 } },
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.requiredSuccesses, 40);

    const deadline = Date.now() + 90_000;
    while ((await rollout('walk')).state === 'running' && Date.now() < deadline) await send('deploy.started', 50);
    const view = await rollout('walk');
    assert.equal(view.state, 'completed', JSON.stringify(view.decisions));
    assert.deepEqual(
      view.decisions.map((d) => d.action),
      ['start', 'advance', 'advance', 'complete'],
    );
    assert.ok(view.progress && view.progress.successes >= 40);
    await eventually(async () => ((await stack.api<{ channels: { stable?: string } }>('GET', '/v1/components/walk')).body.channels.stable === 'v3' ? true : undefined));

    const { value: entries } = await eventually(async () => {
      const all = await audit('walk');
      return all.some((e) => e.action === 'channel.promote') ? all : undefined;
    });
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    assert.deepEqual({ advance: count('rollout.advance'), complete: count('rollout.complete'), promote: count('channel.promote') }, { advance: 2, complete: 1, promote: 1 });
    for (const api of apis) await eventually(async () => ((await resolveOn(api, 'walk', 'someone-new')).version === 'v3' ? true : undefined));
    const after = (await send('deploy.started', 20)).flatMap((r) => r.dispatches.map((d) => d.version));
    assert.deepEqual([...new Set(after)], ['v3']);
  });

  t.test('serves version health from the counters every router adds to', async () => {
    const health = await eventually(async () => {
      const r = await stack.api<{ window: string; versions: { version: string; channels: string[]; dispatches: number; failed: number; latencyMs: { p50: number | null } }[] }>(
        'GET',
        '/v1/health/versions?component=svc&window=5m',
      );
      const v2 = r.body.versions?.find((v) => v.version === 'v2');
      return v2 && v2.failed > 0 ? r.body : undefined;
    });
    assert.equal(health.value.window, '5m');
    const v1 = health.value.versions.find((v) => v.version === 'v1')!;
    assert.ok(v1.dispatches > 0 && v1.latencyMs.p50 !== null);
    assert.deepEqual(v1.channels.sort(), ['beta', 'stable']);
    const component = await stack.api<{ health: { version: string }[] }>('GET', '/v1/components/svc');
    assert.ok(component.body.health.some((h) => h.version === 'v2'));
    const bad = await stack.api('GET', '/v1/health/versions?component=svc&window=2d');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'window');
  });

  t.test('a dry run records what it would do and changes nothing', async () => {
    const started = await stack.api('PUT', '/v1/components/svc/rollout', {
      version: 'v3',
      steps: [
        { percent: 50, bakeSeconds: 0 },
        { percent: 100, bakeSeconds: 0 },
      ],
      gate: { maxErrorRate: 0.5, minDispatches: 0 },
      dryRun: true,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const { value } = await eventually(async () => {
      const view = await rollout('svc');
      return view.state === 'completed' ? view : undefined;
    }, 10_000);
    assert.deepEqual(
      value.decisions.map((d) => [d.action, d.dryRun]),
      [
        ['start', true],
        ['advance', true],
        ['complete', true],
      ],
    );
    const component = await stack.api<{ channels: { stable?: string } }>('GET', '/v1/components/svc');
    assert.equal(component.body.channels.stable, 'v1');
    const routed = (await send('build.finished', 20)).flatMap((r) => r.dispatches.map((d) => d.version));
    assert.deepEqual([...new Set(routed)], ['v1']);
  });

  t.test('the CLI shows health, starts a rollout, follows it and aborts it', async () => {
    const cli = cliFor(stack.url, TOKEN);
    const health = await cli('health', 'svc', '--window', '5m');
    assert.equal(health.code, 0, health.stderr);
    assert.match(health.stdout, /^VERSION\s+CHANNELS\s+DISPATCHES\s+FAILED\s+ERROR RATE\s+P50 MS\s+P99 MS\nv1\s+beta,stable\s+\d+/);
    const started = await cli('rollout', 'start', 'svc', 'v3', '--steps', '5,100', '--bake', '3600', '--max-error-rate', '0.01', '--dry-run', '--json');
    assert.equal(started.code, 0, started.stderr);
    assert.equal(JSON.parse(started.stdout).dryRun, true);
    const status = await cli('rollout', 'status', 'svc');
    assert.match(status.stdout, /^svc v3 \(dry run\): running, step 1\/2, 5% \| candidate \d+ dispatches/);
    const [followed, aborted] = await Promise.all([cli('rollout', 'status', 'svc', '--follow', '--json'), cli('rollout', 'abort', 'svc', '--reason', 'cli test')]);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(JSON.parse(followed.stdout).state, 'aborted');
    assert.match(followed.stderr, /aborted, step 1\/2, 0%/);
  });

  t.test('refuses bad rollouts with stable codes', async () => {
    const put = (body: unknown) => stack.api('PUT', '/v1/components/svc/rollout', body);
    const gate = { abortOnFirstError: true };
    const expect = async (response: Promise<ApiResponse>, status: number, code: string, field?: string) => {
      const r = await response;
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.code, code);
      assert.match(r.contentType, /application\/problem\+json/);
      if (field) assert.equal(r.body.field, field);
    };
    await expect(put({ version: 'v9', steps: [{ percent: 10 }], gate }), 422, 'VR_VERSION_UNKNOWN', 'version');
    await expect(put({ version: 'v3', steps: [{ percent: 150 }], gate }), 400, 'VR_ROLLOUT_STEPS_INVALID', 'steps[0].percent');
    await expect(put({ version: 'v3', steps: [{ percent: 50 }, { percent: 25 }], gate }), 400, 'VR_ROLLOUT_STEPS_INVALID', 'steps[1].percent');
    await expect(put({ version: 'v3', steps: [{ percent: 10 }], gate: {} }), 400, 'VR_ROLLOUT_GATE_EMPTY', 'gate');
    ok(await put({ version: 'v3', steps: [{ percent: 1, bakeSeconds: 3600 }], gate: {}, force: true, reason: 'watched by hand' }), 'forced');
    await expect(put({ version: 'v3', steps: [{ percent: 10 }], gate }), 409, 'VR_ROLLOUT_ACTIVE');
    ok(await stack.api('POST', '/v1/components/svc/rollout/pause', { reason: 'lunch' }), 'pause');
    assert.equal((await rollout('svc')).state, 'paused');
    ok(await stack.api('POST', '/v1/components/svc/rollout/abort', { reason: 'not today' }), 'abort');
    await expect(stack.api('POST', '/v1/components/svc/rollout/pause', {}), 409, 'VR_ROLLOUT_FINISHED');
    const reader = await stack.api<{ token: string }>('POST', '/v1/tokens', { name: 'reader', scopes: ['read'] });
    const asReader = apiClient(stack.url, reader.body.token);
    assert.equal((await asReader('GET', '/v1/components/svc/rollout')).status, 200);
    assert.equal((await asReader('POST', '/v1/components/svc/rollout/abort', {})).status, 403);
  });
});
