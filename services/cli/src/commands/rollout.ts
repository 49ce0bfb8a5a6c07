import type { HealthWindow, Rollout, VrouterClient } from '@vrouter/client';
import { type Command, InvalidArgumentError } from 'commander';
import { leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

type Figures = Rollout['candidate'];
type RolloutAnswer = Rollout;

const HEALTH_WINDOWS = ['5m', '1h', '24h'] as const satisfies readonly HealthWindow[];

/** How often `rollout status --follow` polls: 30 requests a minute. */
const FOLLOW_EVERY_MS = 2000;
const FINISHED = new Set(['aborted', 'completed']);

const rate = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : `${(value * 100).toFixed(2)}%`);
const figures = (f: Figures): string => `${f.dispatches} dispatches, ${f.failed} failed (${rate(f.errorRate)})`;

function numberIn(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}.`);
    return n;
  };
}

function healthWindow(value: string): HealthWindow {
  const window = HEALTH_WINDOWS.find((w) => w === value);
  if (!window) throw new InvalidArgumentError(`expected one of ${HEALTH_WINDOWS.join(', ')}.`);
  return window;
}

function percentList(value: string): number[] {
  const steps = value.split(',').map((p) => Number(p.trim()));
  if (steps.some((p) => !Number.isFinite(p))) throw new InvalidArgumentError('expected comma-separated percentages, e.g. 5,25,50,100.');
  return steps;
}

/** One line: the step, the share, and the candidate against the baseline. */
export function rolloutLine(r: RolloutAnswer): string {
  const progress = r.progress ? `, ${r.progress.successes}/${r.progress.required} successes` : '';
  const head = `${r.component} ${r.version}${r.dryRun ? ' (dry run)' : ''}: ${r.state}, step ${r.step + 1}/${r.steps.length}, ${r.percent}%`;
  return `${head} | candidate ${figures(r.candidate)} | baseline ${r.baselineVersion ?? '-'} ${figures(r.baseline)}${progress}`;
}

function describe(r: RolloutAnswer): string {
  return [
    rolloutLine(r),
    ...(r.next ? [`next: ${r.next.action}: ${r.next.why}`] : []),
    '',
    formatTable(
      ['AT', 'ACTION', 'ACTOR', 'WHY'],
      r.decisions.map((d) => [d.at, `${d.action}${d.dryRun ? ' (dry run)' : ''}`, d.actor, d.why]),
    ),
  ].join('\n');
}

const get = (client: VrouterClient, component: string): Promise<RolloutAnswer> => client.rollouts.get(component);

async function follow(client: VrouterClient, component: string): Promise<RolloutAnswer> {
  let last = '';
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    for (;;) {
      const answer = await get(client, component);
      const line = rolloutLine(answer);
      if (line !== last) process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      last = line;
      if (FINISHED.has(answer.state) || controller.signal.aborted) return answer;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_EVERY_MS);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  } finally {
    process.off('SIGINT', stop);
  }
}

/** `vrouter health <component>`: dispatches, errors and latency per version over a window. */
export function registerHealth(program: Command): void {
  leaf(program, 'health', 'Health of each version of a component: dispatches, failures, error rate, latency.')
    .argument('<component>', 'component name')
    .option('--window <window>', '5m, 1h or 24h (default: 1h)', healthWindow)
    .action(
      run<{ window?: HealthWindow }>(async (client, [component], options) => {
        const answer = await client.health.versions({ component: component!, ...(options.window ? { window: options.window } : {}) });
        return {
          answer,
          text: () =>
            formatTable(
              ['VERSION', 'CHANNELS', 'DISPATCHES', 'FAILED', 'ERROR RATE', 'P50 MS', 'P99 MS'],
              answer.versions.map((v) => [v.version, v.channels.join(','), v.dispatches, v.failed, rate(v.errorRate), v.latencyMs.p50, v.latencyMs.p99]),
            ),
        };
      }),
    );
}

/** `vrouter rollout start|status|pause|resume|promote|abort`. */
export function registerRollout(program: Command): void {
  const rollout = noun(program, 'rollout', 'Roll a version out step by step, gated on its health, with automatic rollback.');

  withReason(leaf(rollout, 'start', 'Start a gated rollout of a version to the customers no pin covers.'))
    .argument('<component>', 'component name')
    .argument('<version>', 'the candidate version (registered)')
    .requiredOption('--steps <percentages>', 'comma-separated shares, increasing, e.g. 5,25,50,100', percentList)
    .option('--bake <seconds>', 'how long each step runs before the next (default 300)', numberIn(0, 604_800, 'seconds'))
    .option('--abort-on-first-error', 'abort within about 2 s of the candidate’s first failed dispatch')
    .option('--max-error-rate <rate>', 'abort above this error rate, 0 to 1', numberIn(0, 1, 'a rate'))
    .option('--max-increase <rate>', 'abort when the error rate exceeds stable’s by more than this (0 to 1), at --confidence', numberIn(0, 1, 'a rate'))
    .option('--confidence <c>', 'confidence of the relative test (default 0.95)', numberIn(0.5, 0.9999, 'a confidence'))
    .option('--min-dispatches <n>', 'no verdict before this many dispatches (default 100)', numberIn(0, 100_000_000, 'a count'))
    .option('--promote-after <successes>', 'successes needed before the last step completes', numberIn(1, 100_000_000, 'a count'))
    .option('--target-error-rate <rate>', 'instead of --promote-after: successes enough to see this error rate...', numberIn(0, 0.5, 'a rate'))
    .option('--target-confidence <c>', '...with this confidence (with --target-error-rate)', numberIn(0.5, 0.99999, 'a confidence'))
    .option('--dry-run', 'record each decision it would take and change nothing')
    .option('--force', 'start even with no bound in the gate (needs --reason)')
    .action(
      run<{
        steps: number[];
        bake?: number;
        abortOnFirstError?: boolean;
        maxErrorRate?: number;
        maxIncrease?: number;
        confidence?: number;
        minDispatches?: number;
        promoteAfter?: number;
        targetErrorRate?: number;
        targetConfidence?: number;
        dryRun?: boolean;
        force?: boolean;
        reason?: string;
      }>(async (client, [component, version], o) => {
        const promoteAfter =
          o.promoteAfter !== undefined
            ? { successes: o.promoteAfter }
            : o.targetErrorRate !== undefined
              ? { targetErrorRate: o.targetErrorRate, confidence: o.targetConfidence ?? 0.999 }
              : undefined;
        const gate = {
          ...(o.abortOnFirstError ? { abortOnFirstError: true } : {}),
          ...(o.maxErrorRate !== undefined ? { maxErrorRate: o.maxErrorRate } : {}),
          ...(o.maxIncrease !== undefined ? { maxErrorRateIncrease: o.maxIncrease } : {}),
          ...(o.confidence !== undefined ? { confidence: o.confidence } : {}),
          ...(o.minDispatches !== undefined ? { minDispatches: o.minDispatches } : {}),
          ...(promoteAfter ? { promoteAfter } : {}),
        };
        const answer = await client.rollouts.start(component!, {
          version: version!,
          steps: o.steps.map((percent) => ({ percent, ...(o.bake !== undefined ? { bakeSeconds: o.bake } : {}) })),
          gate,
          ...(o.dryRun ? { dryRun: true } : {}),
          ...(o.force ? { force: true } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
        });
        return { answer, text: () => describe(answer) };
      }),
    );

  leaf(rollout, 'status', 'The rollout: state, step, share, candidate against the baseline, decisions.')
    .argument('<component>', 'component name')
    .option('--follow', 'keep watching until the rollout finishes (Ctrl-C stops watching, not the rollout)')
    .action(
      run<{ follow?: boolean }>(async (client, [component], options) => {
        const answer = options.follow ? await follow(client, component!) : await get(client, component!);
        return { answer, text: () => describe(answer) };
      }),
    );

  const manual = [
    ['pause', 'Hold the rollout at its step; the share stays.'],
    ['resume', 'Resume a paused rollout; the step bakes again from now.'],
    ['promote', 'Finish now: stable becomes the candidate.'],
    ['abort', 'Abort: share to 0, every channel on the candidate back to its previous version.'],
  ] as const;
  for (const [action, description] of manual) {
    withReason(leaf(rollout, action, description))
      .argument('<component>', 'component name')
      .action(
        run<{ reason?: string }>(async (client, [component], options) => {
          const answer = await client.rollouts.act(component!, action, options.reason);
          return { answer, text: () => rolloutLine(answer) };
        }),
      );
  }
}
