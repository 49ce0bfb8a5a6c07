import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, ConnectionError, type Replay, type ReplayCreated, type ReplayFilterInput, type ReplayInput, type ReplayTarget, type VrouterClient } from '@vrouter/client';
import { type Command, Option } from 'commander';
import { EXIT, type ExitCode, UsageError } from './errors.js';
import { timeWindow, type WindowOptions, withWindow } from './events.js';
import { type ProgressStream, ReplayProgress, describeCounts } from './progress.js';
import { addGlobalOptions, type Done, type GlobalOptions, leaf, noun, positiveInteger, run } from './run.js';
import { formatTable } from './table.js';

/** How often a followed replay is polled: 60 requests a minute, a tenth of the default admin rate limit. */
const POLL_INTERVAL_MS = 1000;
/** Polls in a row that may fail (cannot connect, 429, 5xx) before following gives up. */
const MAX_POLL_FAILURES = 5;
/** The longest wait between polls after failures (they back off, doubling). */
const MAX_BACKOFF_MS = 10_000;

export interface ReplayOptions extends WindowOptions {
  component?: string;
  customer?: string;
  project?: string;
  plan?: string;
  version?: string;
  status?: 'failed' | 'all';
  toVersion?: string;
  rate?: number;
  concurrency?: number;
  dryRun?: boolean;
  wait?: boolean;
}

/** The `POST /v1/replays` body for the command's options; throws UsageError before anything is sent. */
export function replayInput(options: ReplayOptions, now: Date = new Date()): ReplayInput {
  if (options.since === undefined && options.from === undefined) throw new UsageError('Say which events to replay: --since 15m, or --from <RFC 3339 time>.');
  // `--to original` and `--to current` name the target; any other --to is where the window ends.
  const targetWord = options.to === 'original' || options.to === 'current' ? options.to : undefined;
  const { from, to } = timeWindow(targetWord ? { ...options, to: undefined } : options, now);
  if (options.toVersion !== undefined && options.component === undefined) {
    throw new UsageError('--to-version needs --component: versions belong to one component.');
  }
  if (options.toVersion !== undefined && targetWord !== undefined) throw new UsageError(`Say --to ${targetWord} or --to-version, not both.`);
  const filter: ReplayFilterInput = {
    ...(options.component !== undefined ? { component: options.component } : {}),
    ...(options.customer !== undefined ? { customer: options.customer } : {}),
    ...(options.project !== undefined ? { project: options.project } : {}),
    ...(options.plan !== undefined ? { plan: options.plan } : {}),
    ...(options.version !== undefined ? { version: options.version } : {}),
    status: options.status ?? 'failed',
  };
  const target: ReplayTarget = options.toVersion !== undefined ? { version: options.toVersion } : (targetWord ?? 'current');
  return {
    from: from!,
    ...(to !== undefined ? { to } : {}),
    filter,
    target,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.rate !== undefined ? { ratePerSecond: options.rate } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
}

/** `component svc, customer acme, status failed` (the filters given, always the status). */
export function describeFilter(filter: ReplayFilterInput): string {
  const parts = (['component', 'customer', 'project', 'plan', 'version'] as const).flatMap((key) => (filter[key] !== undefined ? [`${key} ${filter[key]}`] : []));
  parts.push(`status ${filter.status ?? 'failed'}`);
  return parts.join(', ');
}

/** `the current version` or `version v24`. */
export const describeReplayTarget = (target: ReplayTarget | undefined): string =>
  target === undefined || target === 'current' ? 'the current version' : target === 'original' ? 'the version each event first went to' : `version ${target.version}`;

/** The exit code a followed replay ends with: 0 completed without failures, 8 with failures, 4 cancelled, 1 failed. */
export function exitCodeForReplay(job: Pick<Replay, 'state' | 'counts'>): ExitCode {
  switch (job.state) {
    case 'completed':
      return job.counts.failed > 0 ? EXIT.replayFailures : EXIT.ok;
    case 'cancelled':
      return EXIT.conflict;
    case 'failed':
      return EXIT.unexpected;
    default:
      return EXIT.ok;
  }
}

/** A poll worth retrying: no answer, rate-limited, or a server error. */
const transient = (error: unknown): boolean => error instanceof ConnectionError || (error instanceof ApiError && (error.status === 429 || error.status >= 500));

/** Resolves with `promise`'s value, or with undefined as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  let onAbort = () => {};
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

export interface FollowOptions {
  signal: AbortSignal;
  intervalMs?: number;
  /** Called with each poll of the job while it runs. */
  onUpdate?: (job: Replay) => void;
}

/**
 * Polls a replay until it is no longer running. Returns the final job, or (interrupted) the last one seen when
 * `signal` aborted first. Rides out a few failed polls in a row; throws the error after that, or at once for any other.
 */
export async function followReplay(client: VrouterClient, id: string, options: FollowOptions): Promise<{ job: Replay | undefined; interrupted: boolean }> {
  const { signal, intervalMs = POLL_INTERVAL_MS, onUpdate } = options;
  let last: Replay | undefined;
  let failures = 0;
  while (!signal.aborted) {
    let job: Replay | undefined;
    try {
      job = await unlessAborted(client.replays.get(id), signal);
    } catch (error) {
      if (signal.aborted) break;
      failures += 1;
      if (!transient(error) || failures > MAX_POLL_FAILURES) throw error;
    }
    if (signal.aborted) break;
    if (job !== undefined) {
      failures = 0;
      last = job;
      if (job.state !== 'running') return { job, interrupted: false };
      onUpdate?.(job);
    }
    await sleep(failures > 0 ? Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS) : intervalMs, undefined, { signal }).catch(() => undefined);
  }
  return { job: last, interrupted: true };
}

/** The stream progress goes to: stdout for people; with --json, stderr and only on a terminal (stdout is the document). */
function progressStream(json: boolean | undefined): ProgressStream | undefined {
  if (!json) return process.stdout;
  return process.stderr.isTTY ? process.stderr : undefined;
}

/**
 * Follows a running replay, showing progress, until it ends or Ctrl-C. Ctrl-C stops following, not the replay: it
 * prints how to cancel it. Returns what to print and sets the exit code (see exitCodeForReplay; 130 for Ctrl-C).
 */
async function watch(client: VrouterClient, id: string, options: GlobalOptions, exit: (code: ExitCode) => void): Promise<Done> {
  const stream = progressStream(options.json);
  const progress = stream ? new ReplayProgress(stream) : undefined;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let result: Awaited<ReturnType<typeof followReplay>>;
  try {
    result = await followReplay(client, id, { signal: controller.signal, onUpdate: (job) => progress?.update(job) });
  } catch (error) {
    progress?.interrupt();
    if (transient(error)) process.stderr.write(`vrouter: lost track of replay ${id}; it may still be running: vrouter replay status ${id}\n`);
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const { job, interrupted } = result;
  if (interrupted || job === undefined) {
    progress?.interrupt();
    process.stderr.write(
      `vrouter: stopped following replay ${id}; it keeps running on the router.\n  follow it again: vrouter replay status ${id} --wait\n  cancel it:       vrouter replay cancel ${id}\n`,
    );
    exit(EXIT.interrupted);
    return { answer: job ?? { id }, text: () => '' };
  }
  progress?.finish(job);
  exit(exitCodeForReplay(job));
  const notice =
    job.state === 'completed' && job.counts.failed > 0
      ? `vrouter: ${job.counts.failed} of ${job.counts.dispatched} replayed dispatches failed (exit ${EXIT.replayFailures}).`
      : job.state === 'cancelled'
        ? `vrouter: replay ${id} was cancelled (exit ${EXIT.conflict}).`
        : job.state === 'failed'
          ? `vrouter: replay ${id} failed${job.error ? `: ${job.error}` : ''}.`
          : undefined;
  // The progress display has printed the final counts already.
  return { answer: job, ...(notice ? { notice } : {}), text: () => '' };
}

/** Like run, but the body may set an exit code other than 0 for an answer it still prints (a replay's outcome). */
function runWithOutcome<O extends object>(
  body: (client: VrouterClient, args: string[], options: O & GlobalOptions, exit: (code: ExitCode) => void) => Promise<Done>,
): (...all: unknown[]) => Promise<void> {
  return async (...all) => {
    let outcome: ExitCode | undefined;
    await run<O>((client, args, options) => body(client, args, options, (code) => (outcome = code)))(...all);
    if (outcome !== undefined && process.exitCode === EXIT.ok) process.exitCode = outcome;
  };
}

/** The answer to a dry run: how many dispatches match, and the sample. */
export function describeDryRun(created: ReplayCreated, input: ReplayInput): string {
  const matched = created.matched ?? 0;
  const window = `${input.from} to ${input.to ?? 'now'}`;
  const head = `dry run: ${matched === 0 ? 'no dispatches match' : `${matched} dispatch${matched === 1 ? '' : 'es'} match`} (${describeFilter(input.filter ?? {})}; ${window}); nothing was dispatched`;
  const sample = created.sample ?? [];
  if (sample.length === 0) return head;
  const table = formatTable(
    ['RECEIVED', 'SOURCE', 'ID', 'COMPONENT', 'VERSION', 'NOW', 'STATUS', 'CUSTOMER'],
    sample.map((s) => [s.receivedAt, s.source, s.id, s.component, s.version, s.currentVersion, s.status, s.customer]),
  );
  const more = matched > sample.length ? `\n… and ${matched - sample.length} more` : '';
  return `${head}\n\n${table}${more}\n\nRun it without --dry-run to replay them to ${describeReplayTarget(input.target)}.`;
}

/** `vrouter replay status`: the job, one field a line. */
export function describeReplay(job: Replay): string {
  const { request } = job;
  const rows: [string, string][] = [
    ['replay', `${job.id} ${job.state}${request.dryRun ? ' (dry run)' : ''}`],
    ['created', `${job.createdAt} by ${job.createdBy}`],
    ['updated', job.updatedAt],
    ['window', `${request.from} to ${request.to}`],
    ['filter', describeFilter(request.filter)],
    ['target', describeReplayTarget(request.target)],
    ['pace', `${request.ratePerSecond}/s, concurrency ${request.concurrency}`],
    ['progress', describeCounts(job)],
  ];
  if (job.error) rows.push(['error', job.error]);
  return formatTable(['FIELD', 'VALUE'], rows).split('\n').slice(1).join('\n');
}

/** The connection options: `replay` and each of its subcommands have them. */
const CONNECTION = ['url', 'token', 'json'];

/**
 * `replay` takes options and has subcommands. Unless the program parses options positionally, `replay` consumes the
 * options it knows wherever they stand, also after a subcommand's name (`replay status <id> --json`): hand the
 * connection options it took over to the subcommand, and refuse its own (`replay status <id> --customer acme`).
 */
function handOver(parent: Command, subcommand: Command): void {
  const stray = parent.options.filter((o) => !CONNECTION.includes(o.attributeName()) && parent.getOptionValueSource(o.attributeName()) === 'cli');
  if (stray.length > 0) {
    parent.error(`error: ${stray.map((o) => o.long ?? o.flags).join(', ')} applies to vrouter replay, not to replay ${subcommand.name()}`, { code: 'commander.unknownOption' });
  }
  for (const name of CONNECTION) {
    if (parent.getOptionValueSource(name) === 'cli') subcommand.setOptionValueWithSource(name, parent.getOptionValue(name), 'cli');
  }
}

/** `vrouter replay`, `replay status|list|cancel`. */
export function registerReplay(program: Command): void {
  const replay = noun(program, 'replay', 'Replay logged events (the failed ones by default) onto the version they would reach now, or onto another.')
    .enablePositionalOptions()
    .hook('preSubcommand', (parent, subcommand) => handOver(parent, subcommand));

  withWindow(replay, 'replay events')
    .option('--component <component>', 'only events for this component')
    .option('--customer <customer>', 'only events of this customer')
    .option('--project <project>', 'only events of this project')
    .option('--plan <plan>', 'only events of customers on this plan')
    .option('--version <version>', 'only events that went to this version')
    .addOption(new Option('--status <status>', 'replay only failed dispatches, or all').choices(['failed', 'all']).default('failed'))
    .option('--to-version <version>', 'replay onto this version of --component (default: the version each event would reach now)')
    .option('--rate <n>', 'dispatches per second at most (router default 50)', positiveInteger)
    .option('--concurrency <n>', 'dispatches in flight at most (router default 4)', positiveInteger)
    .option('--dry-run', 'count what matches and show a sample; dispatch nothing')
    .option('--no-wait', 'start the replay and print its id; do not follow it')
    .addHelpText(
      'after',
      `
Follows the replay until it ends (Ctrl-C stops following, not the replay) and exits 0 when every dispatch
succeeded, ${EXIT.replayFailures} when some failed, ${EXIT.conflict} when it was cancelled. With --json, prints the final job.
\`--to original\` replays each event to the version it was first dispatched to (however pins moved since);
\`--to current\` is the default; any other --to value is where the window ends.

Examples:
  vrouter replay --since 15m --component release-coordinator --customer acme --dry-run
  vrouter replay --since 1h --component release-coordinator --status all --to original --dry-run`,
    )
    .action(
      runWithOutcome<ReplayOptions>(async (client, _args, options, exit) => {
        const input = replayInput(options);
        const created = await client.replays.create(input);
        if (created.dryRun) return { answer: created, text: () => describeDryRun(created, input) };
        const follow = `vrouter replay status ${created.id} --wait`;
        if (options.wait === false) {
          const job = options.json ? await client.replays.get(created.id) : created;
          return { answer: job, notice: `started replay ${created.id}; follow it: ${follow}; cancel it: vrouter replay cancel ${created.id}`, text: () => created.id };
        }
        if (!options.json) {
          process.stdout.write(
            `replay ${created.id} started: ${describeFilter(input.filter ?? {})}, ${input.from} to ${input.to ?? 'now'}, onto ${describeReplayTarget(input.target)}\n`,
          );
        }
        return watch(client, created.id, options, exit);
      }),
    );
  addGlobalOptions(replay);

  leaf(replay, 'status', 'Show a replay: its state, filters and counts; --wait follows it until it ends.')
    .argument('<id>', 'replay id (rp_...)')
    .option('--wait', 'follow it until it ends, with the exit codes of vrouter replay')
    .action(
      runWithOutcome<{ wait?: boolean }>(async (client, [id], options, exit) => {
        if (options.wait) return watch(client, id!, options, exit);
        const job = await client.replays.get(id!);
        return { answer: job, text: () => describeReplay(job) };
      }),
    );

  leaf(replay, 'list', 'List replays, newest first.').action(
    run(async (client) => {
      const answer = await client.replays.list();
      return {
        answer,
        text: () =>
          answer.replays.length === 0
            ? 'no replays'
            : formatTable(
                ['ID', 'STATE', 'CREATED', 'BY', 'FILTER', 'TARGET', 'MATCHED', 'DISPATCHED', 'SUCCEEDED', 'FAILED', 'REMAINING'],
                answer.replays.map((r) => [
                  r.id,
                  `${r.state}${r.request.dryRun ? ' (dry run)' : ''}`,
                  r.createdAt,
                  r.createdBy,
                  describeFilter(r.request.filter),
                  typeof r.request.target === 'string' ? r.request.target : r.request.target.version,
                  r.counts.matched,
                  r.counts.dispatched,
                  r.counts.succeeded,
                  r.counts.failed,
                  r.remaining,
                ]),
              ),
      };
    }),
  );

  leaf(replay, 'cancel', 'Cancel a running replay; what it dispatched stays dispatched. Exits 4 when it is not running.')
    .argument('<id>', 'replay id (rp_...)')
    .action(
      run(async (client, [id]) => {
        const job = await client.replays.cancel(id!);
        return { answer: job, text: () => `cancelled replay ${job.id}: ${describeCounts(job)}` };
      }),
    );
}
