import type { DispatchStatus, EventDetails, EventList, EventListQuery, EventPostAnswer, EventRow } from '@vrouter/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { describeEvent, describeResults, eventFromOptions, readEventFile, type SendOptions } from './send.js';
import { parseSince } from './duration.js';
import { EXIT, UsageError } from './errors.js';
import { leaf, noun, run } from './run.js';
import { describeError } from './format.js';
import { formatTable } from './table.js';

const STATUSES: readonly DispatchStatus[] = ['failed', 'succeeded', 'dispatched', 'pending'];
const MAX_PAGE = 1000;

/** Options that choose a time window: `--since` or `--from`, and `--to`. */
export interface WindowOptions {
  since?: string;
  from?: string;
  to?: string;
}

/**
 * The window as RFC 3339 times in UTC: `--since` (a duration ago or a time) or `--from`, and `--to` (each a time or a
 * duration ago); absent bounds stay absent. Throws UsageError for both --since and --from, bad times, or from after to.
 */
export function timeWindow(options: WindowOptions, now: Date = new Date()): { from?: string; to?: string } {
  if (options.since !== undefined && options.from !== undefined) throw new UsageError('Give --since or --from, not both.');
  const start = options.since ?? options.from;
  const from = start === undefined ? undefined : parseSince(start, now);
  const to = options.to === undefined ? undefined : parseSince(options.to, now);
  if (from !== undefined && to !== undefined && Date.parse(from) > Date.parse(to)) {
    throw new UsageError(`The window starts (${from}) after it ends (${to}).`);
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Parses `--limit`: rows per page, 1 to 1000; commander reports a failure as a usage error. */
export function pageSize(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_PAGE) throw new InvalidArgumentError(`expected an integer from 1 to ${MAX_PAGE}.`);
  return n;
}

/** What happened before the row's outcome, oldest first (`v2 failed → v4 succeeded`); empty when it had only one. */
function describeHistory(history: EventRow['history'] | undefined): string {
  if (!history || history.length < 2) return '';
  return history.map((h) => `${h.version ?? '-'} ${h.status}`).join(' → ');
}

/** The table of `vrouter events list`: one row per (event, component), as its latest outcome left it. */
export function eventTable(items: readonly EventRow[]): string {
  return formatTable(
    ['RECEIVED', 'SOURCE', 'ID', 'COMPONENT', 'VERSION', 'STATUS', 'ATTEMPTS', 'CUSTOMER', 'LAST ERROR', 'HISTORY'],
    items.map((e) => [e.receivedAt, e.source, e.id, e.component, e.version, e.status, e.attempts, e.customer, describeError(e.lastError), describeHistory(e.history)]),
  );
}

/** Adds `--since`, `--from` and `--to` (what they mean: see timeWindow). */
export function withWindow(command: Command, what: string): Command {
  return command
    .addOption(new Option('--since <when>', `${what} since: a duration ago (15m, 2h, 1d) or an RFC 3339 time`).conflicts('from'))
    .option('--from <time>', `${what} from this RFC 3339 time (or a duration ago)`)
    .option('--to <time>', `${what} up to this RFC 3339 time (or a duration ago); default now`);
}

interface ListOptions extends WindowOptions {
  component?: string;
  customer?: string;
  project?: string;
  version?: string;
  status?: DispatchStatus;
  limit?: number;
  all?: boolean;
}

/** `vrouter events list|get|send`. */
export function registerEvents(program: Command): void {
  const events = noun(program, 'events', 'Look through the event log: what each event did, per component.');

  withWindow(leaf(events, 'list', 'List logged dispatches (one row per event and component), newest first; the default window is the last hour.'), 'events')
    .option('--component <component>', 'only this component')
    .option('--customer <customer>', 'only this customer')
    .option('--project <project>', 'only this project')
    .option('--version <version>', 'only dispatches to this version')
    .addOption(new Option('--status <status>', 'only dispatches whose latest outcome is this').choices(STATUSES))
    .option('--limit <n>', `rows per page, 1 to ${MAX_PAGE} (default 100)`, pageSize)
    .option('--all', 'follow the cursor: fetch every page, not just the first')
    .action(
      run<ListOptions>(async (client, _args, options) => {
        const { component, customer, project, version, status, limit } = options;
        const query: EventListQuery = { ...timeWindow(options), component, customer, project, version, status, limit };
        const first = await client.events.list(query);
        let answer: EventList = first;
        if (options.all) {
          const items = [...first.items];
          const seen = new Set<string>();
          // The first page fixed the window (to defaults to now): every later page asks for the same one.
          for (let cursor = first.cursor; cursor !== undefined && !seen.has(cursor); ) {
            seen.add(cursor);
            const page = await client.events.list({ ...query, from: first.from, to: first.to, cursor });
            items.push(...page.items);
            cursor = page.cursor;
          }
          answer = { from: first.from, to: first.to, items };
        }
        return {
          answer,
          ...(answer.cursor !== undefined ? { notice: `more events match: add --all to fetch every page, or narrow the window or filters` } : {}),
          text: () => (answer.items.length === 0 ? `no events from ${answer.from} to ${answer.to}` : eventTable(answer.items)),
        };
      }),
    );

  leaf(events, 'get', 'Show one event: its attributes, routing decisions and each dispatch (and replay) with its outcome.')
    .argument('<source>', 'the event source, as sent (e.g. /tour)')
    .argument('<id>', 'the event id')
    .action(
      run(async (client, [source, id]) => {
        const answer: EventDetails = await client.events.get(source!, id!);
        return { answer, text: () => describeEvent(answer) };
      }),
    );

  leaf(events, 'send', 'Post a CloudEvent built from flags, or the event (or batch) in a file; prints what happened to each.')
    .option('--type <type>', 'event type, e.g. release.requested (required without --file)')
    .option('--source <source>', 'event source (default /vrouter-cli)')
    .option('--id <id>', 'event id (default a new UUID)')
    .option('--customer <customer>', 'customer id (extension customerid)')
    .option('--project <project>', 'project id (extension projectid)')
    .option('--plan <plan>', 'plan (extension plan)')
    .option('--component <component>', 'only this component, whatever subscribes (extension component)')
    .option('--data <json>', 'the event data, as JSON')
    .option('--file <path>', 'a JSON CloudEvent or an array of them (a batch); - reads stdin')
    .option('--wait', 'answer after the dispatches settle, with their outcomes')
    .addHelpText(
      'after',
      `
Exits 0 when the router accepted every event (a failed dispatch is the target's outcome: see its status), ${EXIT.validation} when
it rejected one. Examples:
  vrouter events send --type release.requested --customer globex --data '{"fail":true}' --wait
  vrouter events send --file events.json`,
    )
    .action(
      run<SendOptions>(async (client, _args, options) => {
        const event = options.file !== undefined ? await readEventFile(options) : eventFromOptions(options);
        const answer: EventPostAnswer = await client.events.post(event, { wait: options.wait === true });
        const rejected = answer.results.filter((r) => r.status === 'rejected').length;
        return {
          answer,
          text: () => describeResults(answer),
          ...(rejected > 0 ? { notice: `vrouter: the router rejected ${rejected} of ${answer.results.length} events (exit ${EXIT.validation}).` } : {}),
          ...(rejected > 0 ? { exit: EXIT.validation } : {}),
        };
      }),
    );
}
