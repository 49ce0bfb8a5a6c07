import assert from 'node:assert/strict';
import t from 'tap';
import { isVrouterError } from '@vrouter/core';
import { parseRolloutRequest } from '../src/index.js';

const refused = (input: unknown, code: string, field?: string) =>
  assert.throws(
    () => parseRolloutRequest(input),
    (e: unknown) => isVrouterError(e) && e.code === code && (field === undefined || e.field === field),
  );

t.test('parseRolloutRequest', async (t) => {
  const steps = [{ percent: 5, bakeSeconds: 60 }, { percent: 100 }];

  t.test('fills defaults and keeps the bounds given', async () => {
    const parsed = parseRolloutRequest({ version: 'v2', steps, gate: { maxErrorRate: 0.01, promoteAfter: { targetErrorRate: 0.0001, confidence: 0.999 } } });
    assert.deepEqual(parsed.steps, [
      { percent: 5, bakeSeconds: 60 },
      { percent: 100, bakeSeconds: 300 },
    ]);
    assert.deepEqual(parsed.gate, {
      abortOnFirstError: false,
      maxErrorRate: 0.01,
      confidence: 0.95,
      minDispatches: 100,
      promoteAfter: { targetErrorRate: 0.0001, confidence: 0.999 },
    });
    assert.equal(parsed.dryRun, false);
  });

  t.test('refuses steps above 100, not increasing, or none', async () => {
    refused({ version: 'v2', steps: [{ percent: 150 }], gate: { abortOnFirstError: true } }, 'VR_ROLLOUT_STEPS_INVALID', 'steps[0].percent');
    refused({ version: 'v2', steps: [{ percent: 25 }, { percent: 25 }], gate: { abortOnFirstError: true } }, 'VR_ROLLOUT_STEPS_INVALID', 'steps[1].percent');
    refused({ version: 'v2', steps: [], gate: { abortOnFirstError: true } }, 'VR_ROLLOUT_STEPS_INVALID', 'steps');
  });

  t.test('refuses a gate with no bound unless forced with a reason', async () => {
    refused({ version: 'v2', steps, gate: { minDispatches: 10 } }, 'VR_ROLLOUT_GATE_EMPTY', 'gate');
    refused({ version: 'v2', steps, gate: {}, force: true }, 'VR_VALIDATION', 'reason');
    assert.equal(parseRolloutRequest({ version: 'v2', steps, gate: {}, force: true, reason: 'hotfix, watched by hand' }).force, true);
  });

  t.test('names unknown and malformed fields', async () => {
    refused({ version: 'v2', steps, gate: { maxErrorRate: 2 } }, 'VR_VALIDATION', 'gate.maxErrorRate');
    refused({ version: 'v2', steps, gate: { abortOnFirstError: true, typo: 1 } }, 'VR_VALIDATION', 'gate.typo');
    refused({ version: 'bad version', steps, gate: { abortOnFirstError: true } }, 'VR_VALIDATION', 'version');
  });
});
