import { assertVersionName, type PromoteAfter, type RolloutGate, type RolloutStep, ValidationError, VrouterError } from '@vrouter/core';
import { type Body, integer, object, only, optionalText } from '../input.js';

export interface RolloutRequest {
  version: string;
  steps: RolloutStep[];
  gate: RolloutGate;
  dryRun: boolean;
  force: boolean;
  reason?: string;
}

const MAX_STEPS = 20;
const MAX_BAKE_SECONDS = 7 * 86_400;
const DEFAULT_BAKE_SECONDS = 300;
const DEFAULT_MIN_DISPATCHES = 100;
const DEFAULT_CONFIDENCE = 0.95;

function rate(value: unknown, field: string, { min = 0, max = 1, exclusiveMin = false } = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value > max || value < min || (exclusiveMin && value === min)) {
    throw new ValidationError(field, `${field} must be a number ${exclusiveMin ? 'above' : 'from'} ${min} ${exclusiveMin ? 'and at most' : 'to'} ${max}.`);
  }
  return value;
}

function steps(value: unknown): RolloutStep[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_STEPS) {
    throw new VrouterError('VR_ROLLOUT_STEPS_INVALID', `steps must be an array of 1 to ${MAX_STEPS} steps.`, { field: 'steps' });
  }
  let previous = 0;
  return value.map((raw, i) => {
    const step = only(object(raw), ['percent', 'bakeSeconds'], `steps[${i}].`);
    const percent = step.percent;
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0 || percent > 100 || Math.round(percent * 100) !== percent * 100) {
      throw new VrouterError('VR_ROLLOUT_STEPS_INVALID', `steps[${i}].percent must be above 0 and at most 100, in steps of 0.01.`, { field: `steps[${i}].percent` });
    }
    if (percent <= previous) {
      throw new VrouterError('VR_ROLLOUT_STEPS_INVALID', `steps[${i}].percent (${percent}) must be above the step before it (${previous}).`, { field: `steps[${i}].percent` });
    }
    previous = percent;
    return { percent, bakeSeconds: integer(step.bakeSeconds, `steps[${i}].bakeSeconds`, DEFAULT_BAKE_SECONDS, 0, MAX_BAKE_SECONDS) };
  });
}

function promoteAfter(value: unknown): PromoteAfter | undefined {
  if (value === undefined || value === null) return undefined;
  const body = object(value);
  if ('successes' in body) {
    only(body, ['successes'], 'gate.promoteAfter.');
    return { successes: integer(body.successes, 'gate.promoteAfter.successes', 0, 1, 100_000_000) };
  }
  only(body, ['targetErrorRate', 'confidence'], 'gate.promoteAfter.');
  const targetErrorRate = rate(body.targetErrorRate, 'gate.promoteAfter.targetErrorRate', { exclusiveMin: true, max: 0.5 });
  const confidence = rate(body.confidence, 'gate.promoteAfter.confidence', { min: 0.5, max: 0.99999 });
  if (targetErrorRate === undefined || confidence === undefined) {
    throw new ValidationError('gate.promoteAfter', 'promoteAfter is { "successes" } or { "targetErrorRate", "confidence" }.');
  }
  return { targetErrorRate, confidence };
}

function gate(value: unknown): RolloutGate {
  const body = only(object(value), ['abortOnFirstError', 'maxErrorRate', 'maxErrorRateIncrease', 'confidence', 'minDispatches', 'promoteAfter'], 'gate.');
  const abortOnFirstError = body.abortOnFirstError ?? false;
  if (typeof abortOnFirstError !== 'boolean') throw new ValidationError('gate.abortOnFirstError', 'gate.abortOnFirstError must be true or false.');
  const maxErrorRate = rate(body.maxErrorRate, 'gate.maxErrorRate');
  const maxErrorRateIncrease = rate(body.maxErrorRateIncrease, 'gate.maxErrorRateIncrease');
  const after = promoteAfter(body.promoteAfter);
  return {
    abortOnFirstError,
    ...(maxErrorRate !== undefined ? { maxErrorRate } : {}),
    ...(maxErrorRateIncrease !== undefined ? { maxErrorRateIncrease } : {}),
    confidence: rate(body.confidence, 'gate.confidence', { min: 0.5, max: 0.9999 }) ?? DEFAULT_CONFIDENCE,
    minDispatches: integer(body.minDispatches, 'gate.minDispatches', DEFAULT_MIN_DISPATCHES, 0, 100_000_000),
    ...(after ? { promoteAfter: after } : {}),
  };
}

/**
 * Validates `PUT /v1/components/{c}/rollout`. A gate with no bound at all is refused (VR_ROLLOUT_GATE_EMPTY) unless
 * `force` comes with a reason: an unguarded rollout only waits for time to pass.
 */
export function parseRolloutRequest(input: unknown): RolloutRequest {
  const body: Body = only(object(input), ['version', 'steps', 'gate', 'dryRun', 'force', 'reason']);
  const version = assertVersionName(body.version, 'version');
  const parsedGate = gate(body.gate);
  const dryRun = body.dryRun ?? false;
  if (typeof dryRun !== 'boolean') throw new ValidationError('dryRun', 'dryRun must be true or false.');
  const force = body.force ?? false;
  if (typeof force !== 'boolean') throw new ValidationError('force', 'force must be true or false.');
  const reason = optionalText(body, 'reason', 1024);
  if (force && !reason) throw new ValidationError('reason', 'force needs a reason, for the audit log.');
  const bounded = parsedGate.abortOnFirstError || parsedGate.maxErrorRate !== undefined || parsedGate.maxErrorRateIncrease !== undefined;
  if (!bounded && !force) {
    throw new VrouterError('VR_ROLLOUT_GATE_EMPTY', 'The gate has no bound: set abortOnFirstError, maxErrorRate or maxErrorRateIncrease, or send "force": true with a "reason".', {
      field: 'gate',
    });
  }
  return { version, steps: steps(body.steps), gate: parsedGate, dryRun, force, ...(reason ? { reason } : {}) };
}
