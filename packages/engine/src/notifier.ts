import type { AuditEntry } from '@vrouter/core';

/** Told about every configuration change after it is audited; must never block or fail the change. */
export interface ChangeNotifier {
  notify(entries: AuditEntry[]): void;
  close(): Promise<void>;
}

export const NO_NOTIFIER: ChangeNotifier = { notify() {}, close: async () => {} };
