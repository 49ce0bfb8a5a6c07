import { Type } from '@sinclair/typebox';
import { ComponentHealth, HealthQuery, Rollout, RolloutActionInput, RolloutInput } from '@vrouter/api';
import { COMPONENT_NAME } from '@vrouter/core';
import { operation } from './operation.js';

const ComponentParams = Type.Object({ component: Type.String({ pattern: COMPONENT_NAME.source, description: 'A component name.' }) });

export const putRolloutSchema = operation({
  operationId: 'putRollout',
  summary: 'Start a gated rollout of a version',
  description:
    'At each step a sticky share of the customers no pin covers (by a hash of customer and component, the same on every router, monotone) goes to `version`, the rest to stable. Precedence: override > chain > project > customer > plan > rollout > stable. Failing the gate aborts: the share drops to 0 and every channel on the candidate returns to its previous version. After the last step (and `promoteAfter`), stable becomes the candidate. Refused with VR_VERSION_UNKNOWN (unregistered version), VR_ROLLOUT_ACTIVE (one runs or is paused), VR_ROLLOUT_STEPS_INVALID and VR_ROLLOUT_GATE_EMPTY.',
  tag: 'rollouts',
  params: ComponentParams,
  body: RolloutInput,
  responses: { 201: { description: 'The rollout as started.', schema: Rollout } },
});

export const getRolloutSchema = operation({
  operationId: 'getRollout',
  summary: 'The current or last rollout, with the candidate against the baseline',
  tag: 'rollouts',
  params: ComponentParams,
  responses: { 200: { description: 'The rollout.', schema: Rollout } },
});

const manual = <const A extends string>(action: A, summary: string) =>
  operation({
    operationId: `${action}Rollout`,
    summary,
    description: 'Audited with its reason, notified and traced. A finished (aborted or completed) rollout answers 409 VR_ROLLOUT_FINISHED.',
    tag: 'rollouts',
    params: ComponentParams,
    body: RolloutActionInput,
    responses: { 200: { description: 'The rollout after the change.', schema: Rollout } },
  });

export const pauseRolloutSchema = manual('pause', 'Hold the rollout at its step (the share stays)');
export const resumeRolloutSchema = manual('resume', 'Resume a paused rollout; the step bakes again from now');
export const promoteRolloutSchema = manual('promote', 'Finish now: stable becomes the candidate');
export const abortRolloutSchema = manual('abort', 'Abort: share to 0, every channel on the candidate back to its previous version');

export const versionHealthSchema = operation({
  operationId: 'versionHealth',
  summary: 'Health per version of a component',
  description: 'Counted from the terminal outcomes of live dispatches (not replays or shadows), shared by every router, current within about 10 s.',
  tag: 'rollouts',
  querystring: HealthQuery,
  responses: { 200: { description: 'Health per version.', schema: ComponentHealth } },
});
