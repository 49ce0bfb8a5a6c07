import type { DispatchRecord } from '@vrouter/core';

/** The fields that name a dispatch in log lines. */
export function dispatchFields(record: DispatchRecord): Record<string, string> {
  return { source: record.source, id: record.id, component: record.component };
}
