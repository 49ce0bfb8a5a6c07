import type { ChannelName, ChannelPointer, Component, Customer, Pin, PinScope, Project, TokenRecord, Version } from './model.js';
import type { Rollout } from './rollout.js';
import type { SigningKeys } from './signing.js';

/** One stored configuration record, by kind: what a snapshot is built from, and what a change carries. */
export type ConfigRecord =
  | { kind: 'component'; value: Component }
  | { kind: 'version'; value: Version }
  | { kind: 'channel'; value: ChannelPointer }
  | { kind: 'pin'; value: Pin }
  | { kind: 'customer'; value: Customer }
  | { kind: 'project'; value: Project }
  | { kind: 'token'; value: TokenRecord }
  | { kind: 'served'; value: { component: string; version: string } }
  | { kind: 'signingKeys'; value: SigningKeys }
  | { kind: 'rollout'; value: Rollout };

/** Which record a change is about, whether it now exists or was deleted. */
export type ConfigRef =
  | { kind: 'component'; name: string }
  | { kind: 'version'; component: string; version: string }
  | { kind: 'channel'; component: string; channel: ChannelName }
  | { kind: 'pin'; scope: PinScope; subject: string; component: string }
  | { kind: 'customer'; id: string }
  | { kind: 'project'; id: string }
  | { kind: 'token'; name: string }
  | { kind: 'served'; component: string; version: string }
  | { kind: 'signingKeys' }
  | { kind: 'rollout'; component: string };

/** A record as it is now: `record` absent means it no longer exists. */
export interface ConfigChange {
  ref: ConfigRef;
  record?: ConfigRecord;
}

/**
 * What changed after a snapshot's revision, as the store can tell: every record written in the revisions up to
 * `revision` (and perhaps some of later ones), read as it is now. `revision` can be below the store's when a writer has
 * bumped the revision but not yet said what it wrote; the rest comes with a later call.
 */
export interface ConfigChanges {
  revision: number;
  changes: ConfigChange[];
}
