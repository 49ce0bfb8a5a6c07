import { randomUUID } from 'node:crypto';
import {
  type AuditAction,
  type AuditEntry,
  type AuditLog,
  applyTransition,
  assertComponentName,
  CHANNELS,
  type DispatchCompletion,
  type DispatchRecord,
  emptyCounts,
  type HealthStore,
  isFinished,
  minuteOf,
  NotFoundError,
  nextTransition,
  Periodic,
  type Rollout,
  type RolloutAction,
  type RolloutFigures,
  type RolloutStore,
  type RoutingConfigStore,
  requiredSuccesses,
  rolloutFigures,
  rolloutPercent,
  type SnapshotCache,
  sinceStart,
  VrouterError,
} from '@vrouter/core';
import { ATTR_ADMIN_ACTOR, ATTR_COMPONENT, ATTR_PIN_SOURCE, ATTR_VERSION, withAdminSpan } from '@vrouter/telemetry';
import { object, only, optionalText } from '../input.js';
import type { Logger } from '../logger.js';
import type { ChangeNotifier } from '../notifier.js';
import { parseRolloutRequest } from './request.js';

export interface RolloutControllerOptions {
  rollouts: RolloutStore;
  health: HealthStore;
  config: Pick<RoutingConfigStore, 'setChannel' | 'getChannel' | 'loadSnapshot'>;
  cache: SnapshotCache;
  audit: AuditLog;
  notifier: ChangeNotifier;
  logger: Logger;
  /** How often this router evaluates the running rollouts. */
  intervalMs: number;
  /** Who automatic transitions are audited as. */
  actor?: string;
}

/** What `GET /v1/components/{c}/rollout` answers. */
export interface RolloutView {
  component: string;
  version: string;
  baselineVersion: string | null;
  state: Rollout['state'];
  dryRun: boolean;
  /** 0-based index into `steps`. */
  step: number;
  percent: number;
  steps: Rollout['steps'];
  gate: Rollout['gate'];
  startedAt: string;
  stepStartedAt: string;
  updatedAt: string;
  startedBy: string;
  reason?: string;
  candidate: RolloutFigures;
  baseline: RolloutFigures;
  requiredSuccesses?: number;
  progress?: { successes: number; required: number; fraction: number };
  /** What the gate says now, for a running rollout: why it waits, or what it is about to do. */
  next?: { action: string; why: string };
  decisions: Rollout['decisions'];
}

/** A finished rollout whose channel effects are still owed after this long was left by a router that died. */
const STALE_EFFECTS_MS = 10_000;
const MANUAL_ROUNDS = 5;

type ManualAction = Extract<RolloutAction, 'pause' | 'resume' | 'promote' | 'abort'>;

/**
 * Runs rollouts: starts them, evaluates their gates on every router, and takes each transition with a conditional
 * write so exactly one router takes it (the others see it in the snapshot). Aborting on the first error happens on
 * the router that saw the failure, as soon as it saw it. A finished rollout's channel moves are recorded as owed
 * in the same write, and done by whichever router gets to them, so a router dying mid-way loses nothing.
 */
export class RolloutController {
  private readonly periodic: Periodic;
  private readonly aborting = new Set<string>();
  private readonly actor: string;

  constructor(private readonly options: RolloutControllerOptions) {
    this.actor = options.actor ?? 'rollout-controller';
    this.periodic = new Periodic(
      options.intervalMs,
      () => this.tick(),
      (error) => options.logger.warn({ err: error }, 'rollout evaluation failed; retrying at the next one'),
    );
  }

  start(): void {
    this.periodic.start();
  }

  stop(): void {
    this.periodic.stop();
  }

  /** Starts a rollout of a registered version; VR_ROLLOUT_ACTIVE while another one runs or is paused. */
  async begin(componentName: string, input: unknown, actor: string): Promise<RolloutView> {
    const component = assertComponentName(componentName);
    const request = parseRolloutRequest(input);
    const snapshot = await this.options.config.loadSnapshot();
    const routing = snapshot.components.get(component);
    if (!routing) throw new NotFoundError(`Component ${component}`);
    if (!routing.versions.has(request.version)) {
      throw new VrouterError('VR_VERSION_UNKNOWN', `Version ${request.version} of ${component} is not registered.`, { field: 'version' });
    }
    if (routing.rollout && !isFinished(routing.rollout)) {
      throw new VrouterError('VR_ROLLOUT_ACTIVE', `A rollout of ${routing.rollout.version} to ${component} is ${routing.rollout.state}; abort or finish it first.`, {
        field: 'version',
      });
    }
    const baseline = routing.channels.stable ?? null;
    if (baseline === request.version) throw new VrouterError('VR_CONFLICT', `${request.version} is already stable for ${component}.`, { field: 'version' });
    const now = Date.now();
    const at = new Date(now).toISOString();
    const minute = minuteOf(now);
    const startMinute = await this.options.health.read(component, minute, minute);
    const rollout: Rollout = {
      component,
      version: request.version,
      baseline,
      steps: request.steps,
      gate: request.gate,
      dryRun: request.dryRun,
      state: 'running',
      step: 0,
      stepStartedAt: at,
      startedAt: at,
      updatedAt: at,
      startedBy: actor,
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.force ? { forced: true } : {}),
      seq: 1,
      countsAtStart: {
        minute,
        candidate: rolloutFigures(startMinute.get(request.version) ?? emptyCounts()),
        baseline: rolloutFigures((baseline && startMinute.get(baseline)) || emptyCounts()),
      },
      decisions: [
        {
          at,
          action: 'start',
          why: `${request.dryRun ? 'dry run: ' : ''}${request.version} to ${request.steps.map((s) => `${s.percent}%`).join(' → ')} of the customers no pin covers${request.reason ? `: ${request.reason}` : ''}`,
          actor,
          percent: request.steps[0]!.percent,
          ...(request.dryRun ? { dryRun: true } : {}),
        },
      ],
    };
    await this.traced('start', rollout, actor, async () => {
      await this.options.rollouts.create(rollout);
      await this.options.cache.reload();
      await this.audited('start', actor, null, rollout, rollout.decisions[0]!.why, request.force);
    });
    return this.view(component);
  }

  async view(componentName: string): Promise<RolloutView> {
    const component = assertComponentName(componentName);
    const rollout = await this.options.rollouts.get(component);
    if (!rollout) throw new NotFoundError(`Rollout of ${component}`);
    const { candidate, baseline } = await this.figures(rollout);
    const required = requiredSuccesses(rollout.gate);
    const next = rollout.state === 'running' ? nextTransition(rollout, candidate, baseline, Date.now()) : undefined;
    return {
      component,
      version: rollout.version,
      baselineVersion: rollout.baseline,
      state: rollout.state,
      dryRun: rollout.dryRun,
      step: rollout.step,
      percent: rolloutPercent(rollout),
      steps: rollout.steps,
      gate: rollout.gate,
      startedAt: rollout.startedAt,
      stepStartedAt: rollout.stepStartedAt,
      updatedAt: rollout.updatedAt,
      startedBy: rollout.startedBy,
      ...(rollout.reason ? { reason: rollout.reason } : {}),
      candidate,
      baseline,
      ...(required > 0 ? { requiredSuccesses: required, progress: { successes: candidate.succeeded, required, fraction: Math.min(1, candidate.succeeded / required) } } : {}),
      ...(next ? { next } : {}),
      decisions: rollout.decisions,
    };
  }

  /** pause, resume, promote (finish now) or abort, with an optional reason; VR_ROLLOUT_FINISHED (409) on a finished rollout. */
  async manual(componentName: string, action: ManualAction, input: unknown, actor: string): Promise<RolloutView> {
    const component = assertComponentName(componentName);
    const reason = optionalText(only(object(input), ['reason']), 'reason', 1024);
    for (let round = 0; round < MANUAL_ROUNDS; round++) {
      const current = await this.options.rollouts.get(component);
      if (!current) throw new NotFoundError(`Rollout of ${component}`);
      const { candidate, baseline } = await this.figures(current);
      const why = `${action} by ${actor}${reason ? `: ${reason}` : ''}`;
      // applyTransition refuses what the state does not allow, before anything is written.
      const next = applyTransition(current, { action, why, actor, at: Date.now(), candidate, baseline });
      if (await this.commit(current, next, action, actor, why)) return this.view(component);
    }
    throw new VrouterError('VR_CONFLICT', `The rollout of ${component} kept changing concurrently; try again.`);
  }

  /**
   * Stop on first error: called for each failed live dispatch. Aborts at once (on this router) when the failed
   * version is the candidate of a running rollout whose gate says so; a second failure meanwhile waits for the first.
   */
  onFailure(record: DispatchRecord, completion: DispatchCompletion): void {
    const routing = this.options.cache.current().components.get(record.component);
    const rollout = routing?.rollout;
    if (rollout?.state !== 'running' || rollout.version !== record.version || !rollout.gate.abortOnFirstError) return;
    if (this.aborting.has(record.component)) return;
    this.aborting.add(record.component);
    const why = `first error: ${record.version} failed event ${record.source} ${record.id}${completion.error ? ` (${completion.error.code})` : ''}`;
    // Nothing is read first (the snapshot's rollout is written conditionally on its seq; only a stale one is read
    // again), and no figures: the one failure is the figure, and every read would delay the abort.
    this.abortFrom(rollout, why)
      .catch((error: unknown) => this.options.logger.warn({ err: error, component: record.component }, 'could not abort the rollout on its first error; the next evaluation will'))
      .finally(() => this.aborting.delete(record.component));
  }

  /** One evaluation of every running rollout in the snapshot, and of owed channel moves left behind. */
  async tick(): Promise<void> {
    const now = Date.now();
    for (const routing of this.options.cache.current().components.values()) {
      const rollout = routing.rollout;
      if (!rollout) continue;
      try {
        if (rollout.pending && now - Date.parse(rollout.updatedAt) > STALE_EFFECTS_MS) await this.settle(rollout);
        if (rollout.state !== 'running') continue;
        const { candidate, baseline } = await this.figures(rollout);
        const next = nextTransition(rollout, candidate, baseline, now);
        if (next.action !== 'wait') await this.transition(rollout.component, rollout.seq, next.action, next.why, { candidate, baseline });
      } catch (error) {
        this.options.logger.warn({ err: error, component: rollout.component }, 'rollout evaluation failed');
      }
    }
  }

  private async abortFrom(fromSnapshot: Rollout & { etag?: string }, why: string): Promise<boolean> {
    // The snapshot's copy carries the config item's etag, which is not part of the rollout.
    const { etag: _etag, ...known } = fromSnapshot;
    const next = applyTransition(known, { action: 'abort', why, actor: this.actor, at: Date.now() });
    if (await this.commit(known, next, 'abort', this.actor, why)) return true;
    // The snapshot was stale (the rollout moved on meanwhile): abort what is stored, if it still rolls out this version.
    const current = await this.options.rollouts.get(known.component);
    if (current?.state !== 'running' || current.version !== known.version) return false;
    return this.commit(current, applyTransition(current, { action: 'abort', why, actor: this.actor, at: Date.now() }), 'abort', this.actor, why);
  }

  /** Takes an automatic transition if the stored rollout is still the one evaluated (same seq); else another router did. */
  private async transition(
    component: string,
    seq: number,
    action: 'abort' | 'advance' | 'complete',
    why: string,
    known: { candidate: RolloutFigures; baseline: RolloutFigures },
  ): Promise<boolean> {
    const current = await this.options.rollouts.get(component);
    if (!current || current.seq !== seq || current.state !== 'running') return false;
    const next = applyTransition(current, { action, why, actor: this.actor, at: Date.now(), ...known });
    return this.commit(current, next, action, this.actor, why);
  }

  /** Writes a transition conditionally; the one writer that wins audits, notifies and does the channel moves. */
  private async commit(current: Rollout, next: Rollout, action: RolloutAction, actor: string, why: string): Promise<boolean> {
    return this.traced(action, next, actor, async () => {
      if (!(await this.options.rollouts.replace(next, current.seq))) return false;
      await this.audited(action, actor, current, next, why);
      if (next.pending) await this.settle(next);
      else await this.options.cache.reload();
      return true;
    });
  }

  /** Does the channel moves a finished rollout owes (idempotent), then records them done. */
  private async settle(rollout: Rollout): Promise<void> {
    const reason = `rollout of ${rollout.version}: ${rollout.decisions.at(-1)?.why ?? rollout.state}`;
    const entries: AuditEntry[] = [];
    const at = new Date().toISOString();
    if (rollout.pending === 'set-stable') {
      const before = await this.options.config.getChannel(rollout.component, 'stable');
      if (before?.version !== rollout.version) {
        const written = await this.options.config.setChannel(rollout.component, 'stable', rollout.version, at);
        entries.push(this.entry('channel.promote', this.actor, rollout.component, 'stable', written.before, written.pointer, reason));
      }
    } else if (rollout.pending === 'revert-channels') {
      // Every channel on the candidate goes back, so customers pinned to beta leave it too.
      for (const channel of CHANNELS) {
        const pointer = await this.options.config.getChannel(rollout.component, channel);
        if (pointer?.version !== rollout.version) continue;
        // A channel that never pointed elsewhere goes to the baseline: what stable served when the rollout began.
        const back = pointer.previousVersion ?? rollout.baseline;
        if (!back || back === rollout.version) {
          this.options.logger.warn({ component: rollout.component, channel }, 'channel points at the aborted candidate and has no previous version to return to');
          continue;
        }
        const written = await this.options.config.setChannel(rollout.component, channel, back, at);
        entries.push(this.entry('channel.rollback', this.actor, rollout.component, channel, written.before, written.pointer, reason));
      }
    }
    if (entries.length > 0) {
      await this.options.audit.append(entries);
      this.options.notifier.notify(entries);
    }
    const { pending: _pending, ...settled } = rollout;
    await this.options.rollouts.replace({ ...settled, seq: rollout.seq + 1, updatedAt: at }, rollout.seq);
    await this.options.cache.reload();
  }

  /** Candidate and baseline figures since the rollout started, from the shared counters. */
  private async figures(rollout: Rollout): Promise<{ candidate: RolloutFigures; baseline: RolloutFigures }> {
    const from = rollout.countsAtStart?.minute ?? minuteOf(Date.parse(rollout.startedAt));
    const counts = await this.options.health.read(rollout.component, from, minuteOf(Date.now()));
    const window = (version: string | null) => rolloutFigures((version && counts.get(version)) || emptyCounts());
    return {
      candidate: sinceStart(window(rollout.version), rollout.countsAtStart?.candidate),
      baseline: sinceStart(window(rollout.baseline), rollout.countsAtStart?.baseline),
    };
  }

  private traced<T>(action: RolloutAction, rollout: Rollout, actor: string, fn: () => Promise<T>): Promise<T> {
    return withAdminSpan(
      `rollout.${action}`,
      {
        [ATTR_ADMIN_ACTOR]: actor,
        [ATTR_COMPONENT]: rollout.component,
        [ATTR_VERSION]: rollout.version,
        [ATTR_PIN_SOURCE]: 'rollout',
        'vrouter.rollout.percent': rolloutPercent(rollout),
        'vrouter.rollout.state': rollout.state,
        'vrouter.rollout.dry_run': rollout.dryRun,
      },
      fn,
    );
  }

  private async audited(action: RolloutAction, actor: string, before: Rollout | null, after: Rollout, why: string, forced = false): Promise<void> {
    const summary = (r: Rollout | null) => {
      if (!r) return null;
      const decision = r.decisions.at(-1);
      return {
        version: r.version,
        state: r.state,
        step: r.step + 1,
        percent: rolloutPercent(r),
        dryRun: r.dryRun,
        ...(decision?.candidate ? { candidate: decision.candidate } : {}),
        ...(decision?.baseline ? { baseline: decision.baseline } : {}),
      };
    };
    const entry = this.entry(`rollout.${action}` as AuditAction, actor, after.component, after.version, summary(before), summary(after), why, forced);
    await this.options.audit.append([entry]);
    this.options.notifier.notify([entry]);
  }

  private entry(action: AuditAction, actor: string, component: string, subject: string, before: unknown, after: unknown, reason: string, forced = false): AuditEntry {
    return {
      id: randomUUID(),
      at: new Date().toISOString(),
      actor,
      action,
      component,
      subject,
      before: before ?? null,
      after: after ?? null,
      reason,
      ...(forced ? { forced } : {}),
    };
  }
}
