import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import t from 'tap';
import { VROUTER_BIN } from '../src/child.js';
import { type CliResult, cliFor } from '../src/cli-run.js';
import { cloudEvent, eventually, seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

type Counts = { matched: number; dispatched: number; succeeded: number; failed: number; skipped: number };
type Job = { id: string; state: string; counts: Counts; remaining: number; request: { filter: Record<string, string>; target: unknown } };
type Rows = { from: string; to: string; items: { id: string; status: string; component: string; version: string; customer: string; lastError: { code: string } | null }[] };

/** Asserts the exit code, showing the output when it differs. */
function exits(result: CliResult, code: number): CliResult {
  assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

const ok = (result: CliResult) => exits(result, 0);
const json = <T>(result: CliResult, code = 0): T => JSON.parse(exits(result, code).stdout) as T;
const lines = (text: string) => text.trimEnd().split('\n');

t.test('vrouter events list and vrouter replay against a running router: "replay the last 15 minutes onto the fix"', async (t) => {
  let stack: Stack;
  let vrouter: (...args: string[]) => Promise<CliResult>;
  const failing: Record<string, unknown>[] = [];
  const idsOf = (customer: string) => failing.filter((e) => e.customerid === customer).map((e) => String(e.id));
  let replayId = '';

  t.before(async () => {
    stack = await startStack({ env: { VROUTER_REPLAY_POLL_INTERVAL_MS: '100', VROUTER_REPLAY_LEASE_MS: '1000' } });
    await seedSvc(stack.api);
    vrouter = cliFor(stack.url, TOKEN);
    // The fix: a version whose handler copes with the events v1 throws on.
    stack.lambda.register('svc', 'fix', (payload) => ({ fixed: (payload as { id: string }).id }));
    await stack.api('PUT', '/v1/components/svc/versions/v-fix', { target: { kind: 'lambda', functionName: 'svc', qualifier: 'fix' } });
    // v1 (stable) mishandles events with data.fail; acme and globex each send some, in order.
    for (let i = 0; i < 6; i++) {
      const event = cloudEvent({ customerid: i % 2 ? 'globex' : 'acme', data: { fail: true, n: i } });
      failing.push(event);
      await stack.api('POST', '/v1/events?wait=true', event);
    }
    await stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'acme', data: { ok: true } }));
    // acme gets the fix from now on.
    const pinned = await stack.api('PUT', '/v1/pins/customer/acme/svc', { version: 'v-fix', reason: 'fix for the data.fail crash' });
    assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  });
  t.teardown(() => stack.close());

  t.test('events list --status failed --customer acme --json: the failed events of acme, at v1', async () => {
    const rows = json<Rows>(await vrouter('events', 'list', '--status', 'failed', '--customer', 'acme', '--json'));
    assert.deepEqual(rows.items.map((r) => r.id).sort(), idsOf('acme').sort());
    assert.ok(rows.items.every((r) => r.status === 'failed' && r.version === 'v1' && r.component === 'svc' && r.customer === 'acme' && r.lastError !== null));
    assert.ok(Date.parse(rows.to) - Date.parse(rows.from) === 3_600_000, 'the default window is the last hour');
  });

  t.test('events list prints a table, newest first, with the last error', async () => {
    const [header, ...rows] = lines(ok(await vrouter('events', 'list', '--since', '15m', '--component', 'svc', '--customer', 'acme', '--status', 'failed')).stdout);
    assert.match(header!, /^RECEIVED\s+SOURCE\s+ID\s+COMPONENT\s+VERSION\s+STATUS\s+ATTEMPTS\s+CUSTOMER\s+LAST ERROR\s+HISTORY$/);
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[2]),
      idsOf('acme').reverse(),
    );
    for (const row of rows) assert.match(row, /^\d{4}-\d{2}-\d{2}T\S+\s+\/e2e\s+\S+\s+svc\s+v1\s+failed\s+\d+\s+acme\s+\S.*$/);
    assert.equal(ok(await vrouter('events', 'list', '--customer', 'initech')).stdout.startsWith('no events from '), true);
    exits(await vrouter('events', 'list', '--since', '15m', '--from', new Date().toISOString()), 2);
    exits(await vrouter('events', 'list', '--status', 'broken'), 2);
  });

  t.test('events list --all follows the cursor to the end', async () => {
    const first = await vrouter('events', 'list', '--since', '15m', '--component', 'svc', '--limit', '2');
    assert.equal(lines(ok(first).stdout).length, 3, 'a header and one page of two rows');
    assert.match(first.stderr, /more events match: add --all/);
    const all = json<Rows & { cursor?: string }>(await vrouter('events', 'list', '--since', '15m', '--component', 'svc', '--limit', '2', '--all', '--json'));
    assert.equal(all.items.length, 7);
    assert.equal(all.cursor, undefined);
  });

  t.test('replay --dry-run --json counts and samples, dispatching nothing', async () => {
    const before = stack.lambda.invocations.length;
    const dry = json<{ id: string; dryRun: boolean; matched: number; sample: { id: string }[] }>(
      await vrouter('replay', '--since', '15m', '--customer', 'acme', '--component', 'svc', '--dry-run', '--json'),
    );
    assert.equal(dry.dryRun, true);
    assert.equal(dry.matched, 3);
    assert.deepEqual(dry.sample.map((s) => s.id).sort(), idsOf('acme').sort());
    const text = ok(await vrouter('replay', '--since', '15m', '--customer', 'acme', '--component', 'svc', '--dry-run')).stdout;
    assert.match(text, /^dry run: 3 dispatches match \(component svc, customer acme, status failed; \S+ to now\); nothing was dispatched\n/);
    assert.match(text, /^RECEIVED\s+SOURCE\s+ID\s+COMPONENT\s+VERSION\s+NOW\s+STATUS\s+CUSTOMER$/m);
    assert.equal(stack.lambda.invocations.length, before);
  });

  t.test('replay follows the job with plain progress lines (not a terminal) and exits 0 when all succeeded', async () => {
    const result = ok(await vrouter('replay', '--since', '15m', '--customer', 'acme', '--component', 'svc'));
    assert.doesNotMatch(result.stdout, /\r/, 'no in-place redraws on a pipe');
    const out = lines(result.stdout);
    const started = /^replay (rp_\w+) started: component svc, customer acme, status failed, \S+ to now, onto the current version$/.exec(out[0]!);
    assert.ok(started, out[0]);
    replayId = started[1]!;
    assert.ok(
      out.slice(1, -1).every((l) => l.startsWith(`replay ${replayId} running: `)),
      result.stdout,
    );
    assert.equal(out.at(-1), `replay ${replayId} completed: matched 3, dispatched 3, succeeded 3, failed 0, remaining 0`);
    assert.deepEqual(
      stack.lambda.invocationsOf('svc', 'fix').map((i) => (i.payload as { id: string }).id),
      idsOf('acme'),
      'replayed onto the fix acme is pinned to, in the original order',
    );
    // Latest outcome wins: acme has no failed events left.
    assert.deepEqual(json<Rows>(await vrouter('events', 'list', '--status', 'failed', '--customer', 'acme', '--json')).items, []);
  });

  t.test('replay status <id> --json, replay status <id> and replay list', async () => {
    const job = json<Job>(await vrouter('replay', 'status', replayId, '--json'));
    assert.equal(job.id, replayId);
    assert.equal(job.state, 'completed');
    assert.deepEqual(job.counts, { matched: 3, dispatched: 3, succeeded: 3, failed: 0, skipped: 0 });
    assert.equal(job.remaining, 0);
    assert.deepEqual(job.request.filter, { component: 'svc', customer: 'acme', status: 'failed' });
    assert.equal(job.request.target, 'current');

    const shown = ok(await vrouter('replay', 'status', replayId)).stdout;
    assert.match(shown, new RegExp(`^replay +${replayId} completed$`, 'm'));
    assert.match(shown, /^filter +component svc, customer acme, status failed$/m);
    assert.match(shown, /^progress +matched 3, dispatched 3, succeeded 3, failed 0, remaining 0$/m);

    const [header, ...rows] = lines(ok(await vrouter('replay', 'list')).stdout);
    assert.match(header!, /^ID\s+STATE\s+CREATED\s+BY\s+FILTER\s+TARGET\s+MATCHED\s+DISPATCHED\s+SUCCEEDED\s+FAILED\s+REMAINING$/);
    assert.ok(
      rows.some((r) => r.startsWith(`${replayId}  completed `)),
      rows.join('\n'),
    );
    assert.ok(json<{ replays: Job[] }>(await vrouter('replay', 'list', '--json')).replays.some((r) => r.id === replayId));
    assert.match(exits(await vrouter('replay', 'status', 'rp_nope'), 3).stderr, /\[VR_NOT_FOUND\]/);
  });

  t.test('replay cancel <id> on a completed replay exits 4', async () => {
    const result = exits(await vrouter('replay', 'cancel', replayId), 4);
    assert.match(result.stderr, new RegExp(`^vrouter: Replay ${replayId} is completed, not running\\. \\[VR_CONFLICT\\]\\n$`));
    assert.equal(result.stdout, '');
  });

  t.test('replay exits 8 when it completed with failures, and --json prints the final job', async () => {
    // globex is not pinned: the current version is still v1, which fails these events again.
    const job = json<Job>(await vrouter('replay', '--since', '15m', '--customer', 'globex', '--component', 'svc', '--json'), 8);
    assert.equal(job.state, 'completed');
    assert.deepEqual(job.counts, { matched: 3, dispatched: 3, succeeded: 0, failed: 3, skipped: 0 });
    const text = exits(await vrouter('replay', '--since', '15m', '--customer', 'globex', '--component', 'svc'), 8);
    assert.match(lines(text.stdout).at(-1)!, /^replay rp_\w+ completed: matched 3, dispatched 3, succeeded 0, failed 3, remaining 0$/);
    assert.match(text.stderr, /3 of 3 replayed dispatches failed \(exit 8\)/);
  });

  /** A replay of initech's ten events at one a second: it runs for about ten seconds, long enough to cancel or interrupt. */
  const slow = ['replay', '--since', '15m', '--customer', 'initech', '--component', 'svc', '--status', 'all', '--to-version', 'v-fix', '--rate', '1'];

  t.test('replay --no-wait prints the id; replay status --wait follows it and exits 4 once it is cancelled', async () => {
    // At one event a second, 120 events keep the replay running for two minutes: the cancels below (and the next
    // test's Ctrl-C) arrive while it runs however loaded the machine is.
    for (let batch = 0; batch < 12; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => stack.api('POST', '/v1/events?wait=true', cloudEvent({ customerid: 'initech', data: { n: batch * 10 + i } }))));
    }
    const started = ok(await vrouter(...slow, '--no-wait'));
    const id = started.stdout.trim();
    assert.match(id, /^rp_\w+$/);
    assert.match(started.stderr, new RegExp(`vrouter replay cancel ${id}`));
    const following = vrouter('replay', 'status', id, '--wait');
    const cancelled = ok(await vrouter('replay', 'cancel', id));
    assert.match(cancelled.stdout, new RegExp(`^cancelled replay ${id}: matched \\d+, dispatched \\d+`));
    const followed = exits(await following, 4);
    assert.match(lines(followed.stdout).at(-1)!, new RegExp(`^replay ${id} cancelled: `));
    assert.match(followed.stderr, /was cancelled \(exit 4\)/);
  });

  t.test('Ctrl-C stops following, not the replay, and says how to cancel it', async () => {
    const child = spawn(process.execPath, [VROUTER_BIN, ...slow], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', VROUTER_URL: stack.url, VROUTER_TOKEN: TOKEN },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const { value: id } = await eventually(async () => /^replay (rp_\w+) started/.exec(stdout)?.[1], 60_000);
      child.kill('SIGINT');
      assert.equal(await exited, 130, `stdout: ${stdout}\nstderr: ${stderr}`);
      assert.match(stderr, new RegExp(`stopped following replay ${id}; it keeps running`));
      assert.match(stderr, new RegExp(`vrouter replay cancel ${id}\\n`));
      assert.equal(json<Job>(await vrouter('replay', 'status', id, '--json')).state, 'running', 'not cancelled');
      assert.match(ok(await vrouter('replay', 'cancel', id)).stdout, new RegExp(`^cancelled replay ${id}`));
    } finally {
      child.kill('SIGKILL');
    }
  });

  t.test('refuses bad replay invocations before sending anything', async () => {
    const before = json<{ replays: unknown[] }>(await vrouter('replay', 'list', '--json')).replays.length;
    const usage: string[][] = [
      ['replay'], // no window
      ['replay', '--since', '15m', '--from', '2026-01-01T00:00:00Z'],
      ['replay', '--since', 'yesterday'],
      ['replay', '--since', '15m', '--to-version', 'v-fix'], // needs --component
      ['replay', '--since', '15m', '--status', 'succeeded'],
      ['replay', '--since', '15m', '--rate', '0'],
      ['replay', 'extra'],
      ['replay', 'status'],
    ];
    for (const args of usage) {
      const result = await vrouter(...args);
      assert.equal(result.code, 2, `vrouter ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      assert.notEqual(result.stderr, '', `vrouter ${args.join(' ')} explains itself`);
    }
    assert.equal(json<{ replays: unknown[] }>(await vrouter('replay', 'list', '--json')).replays.length, before);
    // The router's own validation: an unknown target version is invalid input (6), naming the field.
    assert.match(exits(await vrouter('replay', '--since', '15m', '--component', 'svc', '--to-version', 'v404'), 6).stderr, /field target\.version\]/);
  });
});
