import assert from 'node:assert/strict';
import t from 'tap';
import {
  applyTransition,
  differenceInterval,
  evaluateGate,
  nextTransition,
  normalQuantile,
  type Rollout,
  type RolloutGate,
  requiredSuccesses,
  resolveVersion,
  rolloutBucket,
  rolloutFigures,
  successesForConfidence,
  VrouterError,
} from '../src/index.js';
import { snapshotWith } from './fixtures.js';
import { buildSnapshot } from '../src/index.js';

const gate = (extra: Partial<RolloutGate> = {}): RolloutGate => ({ abortOnFirstError: false, confidence: 0.95, minDispatches: 100, ...extra });
const counts = (dispatches: number, failed: number) => rolloutFigures({ dispatches, failed, succeeded: dispatches - failed });
const t0 = Date.parse('2026-06-01T00:00:00Z');

function rollout(extra: Partial<Rollout> = {}): Rollout {
  const at = new Date(t0).toISOString();
  return {
    component: 'svc',
    version: 'v2',
    baseline: 'v1',
    steps: [
      { percent: 5, bakeSeconds: 60 },
      { percent: 50, bakeSeconds: 60 },
      { percent: 100, bakeSeconds: 60 },
    ],
    gate: gate({ maxErrorRate: 0.05 }),
    dryRun: false,
    state: 'running',
    step: 0,
    stepStartedAt: at,
    startedAt: at,
    updatedAt: at,
    startedBy: 'test',
    decisions: [],
    seq: 1,
    ...extra,
  };
}

t.test('statistics of the gate', async (t) => {
  t.test('normal quantiles match the tables', async () => {
    assert.ok(Math.abs(normalQuantile(0.95) - 1.6449) < 1e-4);
    assert.ok(Math.abs(normalQuantile(0.975) - 1.96) < 1e-3);
    assert.ok(Math.abs(normalQuantile(0.001) + 3.0902) < 1e-4);
  });

  t.test('successes for 99.9% confidence of seeing a 1-in-10,000 error: 69,075', async () => {
    assert.equal(successesForConfidence(1e-4, 0.999), 69_075);
    assert.equal(requiredSuccesses(gate({ promoteAfter: { targetErrorRate: 1e-4, confidence: 0.999 } })), 69_075);
    assert.equal(requiredSuccesses(gate({ promoteAfter: { successes: 75_000 } })), 75_000);
    assert.equal(requiredSuccesses(gate()), 0);
  });

  t.test('the difference interval never claims certainty from zero failures in ten', async () => {
    const d = differenceInterval(0, 10, 0, 10, 0.95);
    assert.ok(d.low < 0 && d.high > 0.1);
  });
});

t.test('evaluateGate', async (t) => {
  t.test('fails on the first error when asked to, whatever the sample size', async () => {
    assert.equal(evaluateGate(gate({ abortOnFirstError: true }), counts(3, 1), counts(0, 0)).verdict, 'fail');
  });

  t.test('waits below the minimum number of dispatches, even with failures', async () => {
    assert.equal(evaluateGate(gate({ maxErrorRate: 0.01 }), counts(10, 5), counts(1000, 0)).verdict, 'wait');
  });

  t.test('absolute bound: fails above it, passes at or below it', async () => {
    assert.equal(evaluateGate(gate({ maxErrorRate: 0.01 }), counts(1000, 20), counts(0, 0)).verdict, 'fail');
    assert.equal(evaluateGate(gate({ maxErrorRate: 0.01 }), counts(1000, 10), counts(0, 0)).verdict, 'pass');
  });

  t.test('relative bound: a clearly worse candidate fails, a clearly equal one passes, a small sample waits', async () => {
    const relative = gate({ maxErrorRateIncrease: 0.01, confidence: 0.95 });
    assert.equal(evaluateGate(relative, counts(2000, 100), counts(2000, 20)).verdict, 'fail');
    assert.equal(evaluateGate(relative, counts(5000, 25), counts(5000, 25)).verdict, 'pass');
    assert.equal(evaluateGate(relative, counts(120, 3), counts(120, 1)).verdict, 'wait');
    // Too little baseline to compare against: wait, never pass.
    assert.equal(evaluateGate(relative, counts(5000, 0), counts(10, 0)).verdict, 'wait');
  });
});

t.test('nextTransition', async (t) => {
  t.test('bakes, then advances while the gate holds, then completes', async () => {
    const r = rollout();
    assert.equal(nextTransition(r, counts(200, 0), counts(200, 0), t0 + 30_000).action, 'wait');
    assert.equal(nextTransition(r, counts(200, 0), counts(200, 0), t0 + 61_000).action, 'advance');
    const last = rollout({ step: 2 });
    assert.equal(nextTransition(last, counts(200, 0), counts(200, 0), t0 + 61_000).action, 'complete');
  });

  t.test('aborts on a failing gate even before the bake time', async () => {
    assert.equal(nextTransition(rollout(), counts(200, 50), counts(200, 0), t0 + 1000).action, 'abort');
  });

  t.test('an inconclusive gate waits past the bake time', async () => {
    const t = nextTransition(rollout(), counts(20, 0), counts(200, 0), t0 + 120_000);
    assert.equal(t.action, 'wait');
    assert.match(t.why, /20 of 100 dispatches/);
  });

  t.test('the last step waits for promoteAfter successes', async () => {
    const r = rollout({ step: 2, gate: gate({ maxErrorRate: 0.05, promoteAfter: { successes: 1000 } }) });
    assert.match(nextTransition(r, counts(500, 0), counts(0, 0), t0 + 61_000).why, /500 of 1000 successes/);
  });
});

t.test('applyTransition', async (t) => {
  t.test('records the decision, bumps the sequence and owes the channels their effects', async () => {
    const aborted = applyTransition(rollout(), { action: 'abort', why: 'bad', actor: 'router', at: t0 + 5 });
    assert.equal(aborted.state, 'aborted');
    assert.equal(aborted.seq, 2);
    assert.equal(aborted.pending, 'revert-channels');
    assert.deepEqual(aborted.decisions.at(-1), { at: new Date(t0 + 5).toISOString(), action: 'abort', why: 'bad', actor: 'router', percent: 0 });
  });

  t.test('a dry run records what it would do and owes nothing', async () => {
    const done = applyTransition(rollout({ dryRun: true }), { action: 'promote', why: 'now', actor: 'op', at: t0 });
    assert.equal(done.pending, undefined);
    assert.equal(done.decisions.at(-1)?.dryRun, true);
  });

  t.test('pausing a finished rollout is VR_ROLLOUT_FINISHED', async () => {
    assert.throws(
      () => applyTransition(rollout({ state: 'completed' }), { action: 'pause', why: '', actor: 'op', at: t0 }),
      (e: unknown) => e instanceof VrouterError && e.code === 'VR_ROLLOUT_FINISHED',
    );
  });
});

t.test('resolution with a rollout', async (t) => {
  function withRollout(r: Rollout, pins: Parameters<typeof snapshotWith>[0]['pins'] = []) {
    const base = snapshotWith({ pins });
    const routing = base.components.get('svc')!;
    return buildSnapshot({
      revision: 1,
      components: [routing.component],
      versions: [...routing.versions.values()],
      channels: Object.entries(routing.channels).map(([channel, version]) => ({ component: 'svc', channel: channel as 'stable', version: version! })),
      pins: [...base.pins.values()],
      customers: [],
      projects: [],
      rollouts: [r],
    });
  }
  const customers = Array.from({ length: 2000 }, (_, i) => `c${i}`);
  const inside = customers.find((c) => rolloutBucket('svc', c) < 500)!;
  const outside = customers.find((c) => rolloutBucket('svc', c) >= 500)!;

  t.test('the share gets the candidate, explained with its bucket; the rest get stable', async () => {
    const snapshot = withRollout(rollout());
    const explain = { explain: true };
    const yes = resolveVersion(snapshot, 'svc', { customer: inside }, Date.now(), explain);
    assert.ok(yes.resolved);
    assert.equal(yes.version, 'v2');
    assert.equal(yes.source, 'rollout');
    assert.deepEqual(yes.rollout, { percent: 5, bucket: rolloutBucket('svc', inside) });
    assert.equal(yes.considered.at(-1)?.detail, `rollout 5% (bucket ${rolloutBucket('svc', inside)}) → v2.`);
    // The per-event path gives the same decision, without the explanation.
    const fast = resolveVersion(snapshot, 'svc', { customer: inside });
    assert.ok(fast.resolved);
    assert.deepEqual([fast.version, fast.source, fast.rollout], ['v2', 'rollout', { percent: 5, bucket: rolloutBucket('svc', inside) }]);
    const no = resolveVersion(snapshot, 'svc', { customer: outside }, Date.now(), explain);
    assert.ok(no.resolved);
    assert.equal(no.version, 'v1');
    assert.equal(no.source, 'default');
    assert.equal(no.considered.find((c) => c.scope === 'rollout')?.outcome, 'outside-share');
  });

  t.test('a pin beats the rollout', async () => {
    const snapshot = withRollout(rollout(), [{ scope: 'plan', subject: 'pro', version: 'v3' }]);
    const r = resolveVersion(snapshot, 'svc', { customer: inside, plan: 'pro' });
    assert.ok(r.resolved);
    assert.equal(r.version, 'v3');
    assert.equal(r.source, 'plan');
  });

  t.test('aborted, completed and dry-run rollouts route nothing', async () => {
    for (const r of [rollout({ state: 'aborted' }), rollout({ state: 'completed' }), rollout({ dryRun: true })]) {
      const resolved = resolveVersion(withRollout(r), 'svc', { customer: inside });
      assert.ok(resolved.resolved);
      assert.equal(resolved.version, 'v1');
    }
  });

  t.test('a completed rollout whose stable move is still owed routes everyone to the candidate', async () => {
    const resolved = resolveVersion(withRollout(rollout({ state: 'completed', pending: 'set-stable' })), 'svc', { customer: outside });
    assert.ok(resolved.resolved);
    assert.equal(resolved.version, 'v2');
  });

  t.test('a paused rollout keeps its share', async () => {
    const resolved = resolveVersion(withRollout(rollout({ state: 'paused' })), 'svc', { customer: inside });
    assert.ok(resolved.resolved);
    assert.equal(resolved.version, 'v2');
  });
});
