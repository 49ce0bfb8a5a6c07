import { type DispatchPage, type DispatchRecord, type EventStore, type ReplayRequest, replayStatus } from '@vrouter/core';

export const PAGE_SIZE = 100;

/** One page of the logged dispatches a replay selects, oldest first (the order events are replayed in). */
export async function selectPage(events: EventStore, request: ReplayRequest, cursor?: string): Promise<DispatchPage> {
  const { filter } = request;
  const status = replayStatus(filter);
  const page = await events.listDispatches({
    from: request.from,
    to: request.to,
    order: 'asc',
    limit: PAGE_SIZE,
    ...(filter.component ? { component: filter.component } : {}),
    ...(filter.customer ? { customer: filter.customer } : {}),
    ...(filter.project ? { project: filter.project } : {}),
    ...(filter.version ? { version: filter.version } : {}),
    ...(status ? { status } : {}),
    ...(cursor ? { cursor } : {}),
  });
  // No index carries the plan: it is filtered here, on what the page returned.
  return filter.plan ? { ...page, items: page.items.filter((r) => r.plan === filter.plan) } : page;
}

/** Counts the selection and keeps the first `sampleSize` rows; reads it once. */
export async function countSelection(events: EventStore, request: ReplayRequest, sampleSize = 0): Promise<{ matched: number; sample: DispatchRecord[] }> {
  let matched = 0;
  const sample: DispatchRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await selectPage(events, request, cursor);
    matched += page.items.length;
    for (const item of page.items) if (sample.length < sampleSize) sample.push(item);
    cursor = page.cursor;
  } while (cursor);
  return { matched, sample };
}
