import type { DispatchLimits, Dispatcher, DispatchOutcome, DispatchRequest, SnapshotCache, Target } from '@vrouter/core';

/**
 * Keeps a target's answer on the dispatch only when its version opts in (`recordResponse: true`): any `read` token
 * can see a recorded answer, and a target's answer may hold what only the target should know. An ECS dispatch's
 * `response` is no answer but the ARN of the task the router started, and is always kept. Wraps the dispatcher.
 */
export class ResponseRecording implements Dispatcher {
  constructor(
    private readonly inner: Dispatcher,
    private readonly cache: Pick<SnapshotCache, 'current'>,
  ) {}

  limits(target: Target): DispatchLimits {
    return this.inner.limits(target);
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const outcome = await this.inner.dispatch(request);
    if (outcome.response === undefined || request.target.kind === 'ecs') return outcome;
    const { component, version } = request.payload.vrouter;
    if (this.cache.current().components.get(component)?.versions.get(version)?.recordResponse === true) return outcome;
    const { response: _dropped, ...kept } = outcome;
    return kept;
  }
}
