import { marshall } from '@aws-sdk/util-dynamodb';
import { ROLLOUT_STATES, type Rollout, type RolloutState } from '@vrouter/core';
import { type Fields, type Item, isObject, isString } from './item.js';
import { rolloutKey } from './keys.js';

/**
 * A rollout item: the whole rollout as one map (it is read whole, into the snapshot), with `state` and `seq` also at
 * the top level for the condition expressions of rollout-store.ts.
 */
export function rolloutItem(rollout: Rollout): Item {
  const key = rolloutKey(rollout.component);
  return marshall(
    { pk: key.pk, sk: key.sk, component: rollout.component, state: rollout.state, seq: rollout.seq, rollout },
    { removeUndefinedValues: true, convertClassInstanceToMap: true },
  );
}

const isState = (value: unknown): value is RolloutState => ROLLOUT_STATES.includes(value as RolloutState);

/** Decodes the rollout map; undefined when the item is garbled, so one bad item does not stop routing. */
export function decodeRollout(fields: Fields): Rollout | undefined {
  const r = fields.rollout;
  if (!isObject(r) || !isString(r.component) || !isString(r.version) || !isState(r.state) || typeof r.seq !== 'number' || typeof r.step !== 'number') return undefined;
  if (!Array.isArray(r.steps) || !isObject(r.gate) || !Array.isArray(r.decisions) || !isString(r.stepStartedAt) || !isString(r.startedAt)) return undefined;
  return r as unknown as Rollout;
}
