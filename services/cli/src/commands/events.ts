import type { DispatchStatus, EventList, EventListQuery, EventRow } from '@vrouter/client';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseSince } from './duration.js';
import { UsageError } from './errors.js';
import { leaf, noun, run } from './run.js';
import { formatTable } from './table.js';

const STATUSES: readonly DispatchStatus[] = ['failed', 'succeeded', 'dispatched', 'pending'];
const MAX_PAGE = 1000;
const MAX_ERROR = 80;

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

/** `VR_TARGET_ERROR: boom`, cut at MAX_ERROR characters; undefined when there is none. */
export function describeError(error: EventRow['lastError']): string | undefined {
  if (!error) return undefined;
  const text = `${error.code}: ${error.message}`;
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text;
}

/** The table of `vrouter events list`: one row per (event, component). */
export function eventTable(items: readonly EventRow[]): string {
  return formatTable(
    ['RECEIVED', 'SOURCE', 'ID', 'COMPONENT', 'VERSION', 'STATUS', 'ATTEMPTS', 'CUSTOMER', 'LAST ERROR'],
    items.map((e) => [e.receivedAt, e.source, e.id, e.component, e.version, e.status, e.attempts, e.customer, describeError(e.lastError)]),
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

/** `vrouter events list`. */
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
}
