import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { EventDetails, EventPostAnswer } from '@vrouter/client';
import { UsageError } from './errors.js';
import { describeError } from './format.js';
import { formatTable } from './table.js';

/** A file or stdin larger than this is refused before anything is sent (the router's own body limit is lower). */
export const MAX_EVENT_FILE_BYTES = 16 * 1024 * 1024;
const DEFAULT_SOURCE = '/vrouter-cli';

export interface SendOptions {
  type?: string;
  source?: string;
  id?: string;
  customer?: string;
  project?: string;
  plan?: string;
  component?: string;
  data?: string;
  file?: string;
  wait?: boolean;
}

const FLAGS = ['type', 'source', 'id', 'customer', 'project', 'plan', 'component', 'data'] as const;

/** The CloudEvent the flags describe (structured mode); throws UsageError without --type or with data that is not JSON. */
export function eventFromOptions(options: SendOptions, newId: () => string = randomUUID): Record<string, unknown> {
  if (options.type === undefined) throw new UsageError('Say what to send: --type <event type> (with --customer, --data ...), or --file <path>.');
  let data: unknown;
  if (options.data !== undefined) {
    try {
      data = JSON.parse(options.data);
    } catch (error) {
      throw new UsageError(`--data is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    specversion: '1.0',
    id: options.id ?? newId(),
    source: options.source ?? DEFAULT_SOURCE,
    type: options.type,
    ...(options.customer !== undefined ? { customerid: options.customer } : {}),
    ...(options.project !== undefined ? { projectid: options.project } : {}),
    ...(options.plan !== undefined ? { plan: options.plan } : {}),
    ...(options.component !== undefined ? { component: options.component } : {}),
    ...(options.data !== undefined ? { datacontenttype: 'application/json', data } : {}),
  };
}

/** Reads at most `limit` bytes of a stream; throws UsageError when there is more. */
async function readBounded(chunks: AsyncIterable<Buffer | string>, what: string, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new UsageError(`${what} is larger than ${limit} bytes.`);
    parts.push(buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The event (a JSON object) or batch (a JSON array) in `--file`, `-` for stdin. Throws UsageError when flags that
 * build an event are given too, when the file cannot be read, or when it holds no JSON object or array.
 */
export async function readEventFile(
  options: SendOptions,
  stdin: AsyncIterable<Buffer | string> = process.stdin,
  limit = MAX_EVENT_FILE_BYTES,
): Promise<Record<string, unknown> | Record<string, unknown>[]> {
  const file = options.file!;
  const extra = FLAGS.filter((flag) => options[flag] !== undefined);
  if (extra.length > 0) throw new UsageError(`--file sends the event as written: drop ${extra.map((f) => `--${f}`).join(', ')}.`);
  const what = file === '-' ? 'stdin' : file;
  let text: string;
  if (file === '-') {
    text = await readBounded(stdin, what, limit);
  } else {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as { code?: string }).code ?? String(error)}`);
    }
    try {
      text = await readBounded(handle.createReadStream({ autoClose: false }), what, limit);
    } finally {
      await handle.close();
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(parsed)) return parsed;
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isObject)) return parsed;
  throw new UsageError(`${what} must hold one CloudEvent (a JSON object) or a batch (a non-empty JSON array of objects).`);
}

const pinOf = (pin: { scope: string; subject: string } | null | undefined): string | undefined => (pin ? `${pin.scope}/${pin.subject}` : undefined);

/** One row per (event, component) of a `POST /v1/events` answer; a rejected event gets one row with its error. */
export function describeResults(answer: EventPostAnswer): string {
  const rows = answer.results.flatMap((r) => {
    if (r.dispatches.length === 0) {
      const error = r.error ? describeError({ code: r.error.code, message: r.error.detail }) : r.status === 'accepted' ? 'no component subscribes' : undefined;
      return [[r.source, r.id, r.status, undefined, undefined, undefined, undefined, error]];
    }
    return r.dispatches.map((d) => [
      r.source,
      r.id,
      r.status,
      d.component,
      d.version,
      d.channel ?? pinOf(d.pin),
      d.status,
      typeof d.error === 'object' && d.error !== null ? describeError(d.error as { code: string; message: string }) : undefined,
    ]);
  });
  return formatTable(['SOURCE', 'ID', 'RESULT', 'COMPONENT', 'VERSION', 'VIA', 'DISPATCH', 'ERROR'], rows);
}

/** `vrouter events get`: the event's attributes, then one row per dispatch, replayed dispatch and shadow. */
export function describeEvent(event: EventDetails): string {
  const { replays = [], shadows = [] } = event as EventDetails & { replays?: (EventDetails['dispatches'][number] & { replayId?: string })[]; shadows?: EventDetails['dispatches'] };
  const head = [
    `event ${event.source} ${event.id} (${event.type}), received ${event.receivedAt}`,
    `customer ${event.customer ?? '-'}, project ${event.project ?? '-'}, plan ${event.plan ?? '-'}; components ${event.components.join(', ') || '-'}`,
  ];
  const rows = [
    ...event.dispatches.map((d) => ['dispatch', d.component, d.version, d.channel ?? pinOf(d.pin), d.status, d.attempts, d.updatedAt, describeError(d.lastError)]),
    ...replays.map((d) => [`replay ${d.replayId ?? ''}`.trim(), d.component, d.version, d.channel ?? pinOf(d.pin), d.status, d.attempts, d.updatedAt, describeError(d.lastError)]),
    ...shadows.map((d) => ['shadow', d.component, d.version, d.channel ?? pinOf(d.pin), d.status, d.attempts, d.updatedAt, describeError(d.lastError)]),
  ];
  if (rows.length === 0) return [...head, '', 'no dispatches'].join('\n');
  return [...head, '', formatTable(['KIND', 'COMPONENT', 'VERSION', 'VIA', 'STATUS', 'ATTEMPTS', 'UPDATED', 'LAST ERROR'], rows)].join('\n');
}
