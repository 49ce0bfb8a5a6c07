import type { DispatchOutcome } from '@vrouter/core';

/** The code of the outcome for a target no configured dispatcher handles. */
export const TARGET_UNSUPPORTED = 'VR_TARGET_UNSUPPORTED';

/** A failed, non-retryable outcome: no dispatcher for this kind of target; retrying cannot help. */
export function unsupportedTarget(kind: string): DispatchOutcome {
  return {
    status: 'failed',
    error: { code: TARGET_UNSUPPORTED, message: `No dispatcher handles targets of kind ${JSON.stringify(kind)}.` },
    retryable: false,
  };
}
