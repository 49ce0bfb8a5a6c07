import type {
  ChannelName,
  ChannelPointer,
  Component,
  DispatchStatus,
  Pin,
  PinScope,
  PinSource,
  ReplayCounts,
  ReplayState,
  Resolution,
  RoutingContext,
  Target,
  Version,
} from '@vrouter/core';

export type { ChannelName, ChannelPointer, Component, DispatchStatus, Pin, PinScope, ReplayCounts, ReplayState, Resolution, Target, Version };

/** Which version each channel points at; a channel that points at none is absent. */
export type ChannelMap = Partial<Record<ChannelName, string>>;

/** `GET /v1/components/{component}`: the component with its versions (oldest first) and channels. */
export interface ComponentDetails extends Component {
  channels: ChannelMap;
  versions: Version[];
}

export interface ComponentList {
  components: ComponentDetails[];
}

/** Every write accepts a `reason`, kept in the audit log. */
export interface Reason {
  reason?: string;
}

/** Channel moves and pins may override a safety check with `force`, which needs a `reason`. */
export interface Override extends Reason {
  force?: boolean;
}

export interface ComponentInput extends Reason {
  description?: string;
  subscriptions: string[];
}

/** A pin routes to a channel (follows promotions) or to one exact version. */
export type PinInput = ({ channel: ChannelName; version?: undefined } | { version: string; channel?: undefined }) &
  Override & {
    /** RFC 3339. */
    expiresAt?: string;
  };

export interface PinFilter {
  scope?: PinScope;
  subject?: string;
  component?: string;
}

export interface PinList {
  pins: Pin[];
}

export interface CustomerRecord {
  id: string;
  plan?: string;
}

export interface ProjectRecord {
  id: string;
  customer: string;
}

/** `GET /v1/customers`: every recorded customer, by id. */
export interface CustomerList {
  customers: CustomerRecord[];
}

/** `GET /v1/projects`: every recorded project, by id. */
export interface ProjectList {
  projects: ProjectRecord[];
}

export interface ResolveQuery {
  component: string;
  customer?: string;
  project?: string;
  plan?: string;
}

/** The decision as the answering router would route an event now, with the context it derived and its config revision. */
export type ResolveAnswer = Resolution & { context: RoutingContext; configRevision: number };

export interface DispatchSummary {
  component: string;
  version: string | null;
  channel: ChannelName | null;
  pin: { scope: PinScope; subject: string } | null;
  status?: DispatchStatus;
  [field: string]: unknown;
}

export interface EventResult {
  source?: string;
  id?: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  dispatches: DispatchSummary[];
  error?: { code: string; detail: string; field?: string; [extension: string]: unknown };
}

/** `POST /v1/events` answer: one result per event, in order. */
export interface EventPostAnswer {
  results: EventResult[];
}

export interface EventPostOptions {
  /** Answer after the dispatches settle (`?wait=true`). */
  wait?: boolean;
}

export interface DispatchDetails {
  component: string;
  version: string | null;
  channel: ChannelName | null;
  pin: { scope: PinScope; subject: string } | null;
  pinSource: PinSource | null;
  status: DispatchStatus;
  attempts: number;
  idempotencyKey: string;
  claimedAt: string;
  updatedAt: string;
  lastError: { code: string; message: string } | null;
  response: string | null;
}

/** `GET /v1/events/{source}/{id}`: the event, its routing decisions and each dispatch's outcome. */
export interface EventDetails {
  source: string;
  id: string;
  type: string;
  receivedAt: string;
  customer: string | null;
  project: string | null;
  plan: string | null;
  components: string[];
  event: Record<string, unknown>;
  dispatches: DispatchDetails[];
}

export interface AuditQuery {
  component?: string;
  subject?: string;
  /** RFC 3339. */
  since?: string;
}

/** One change: who made it, when, and the record before and after (null when created or deleted). Never holds token values. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The name of the token that made the change. */
  actor: string;
  /** e.g. `pin.set`, `channel.promote`, `token.create`. */
  action: string;
  component?: string;
  /** What the change is about: `scope/subject` for pins, the customer, project, version or token name. */
  subject?: string;
  before: unknown;
  after: unknown;
  reason?: string;
  [field: string]: unknown;
}

/** Newest first; `cursor`, when present, continues where this page stopped. */
export interface AuditList {
  entries: AuditEntry[];
  cursor?: string;
}

export interface TokenInput {
  name: string;
  scopes: string[];
}

/** `POST /v1/tokens` answer; the token is shown this once. */
export interface CreatedToken {
  name: string;
  token: string;
}

/** A token as listed: never its value. */
export interface TokenInfo {
  name: string;
  scopes: string[];
  createdAt?: string;
  createdBy?: string;
  [field: string]: unknown;
}

export interface TokenList {
  tokens: TokenInfo[];
  [field: string]: unknown;
}

/** `GET /v1/events` filters. The window defaults to the hour before `to` (default: now). */
export interface EventListQuery {
  /** RFC 3339. */
  from?: string;
  /** RFC 3339. */
  to?: string;
  component?: string;
  customer?: string;
  project?: string;
  version?: string;
  status?: DispatchStatus;
  /** Newest first (`desc`, the default) or oldest first. */
  order?: 'asc' | 'desc';
  /** Rows per page, 1 to 1000 (default 100). */
  limit?: number;
  /** From the previous page. */
  cursor?: string;
}

/** One logged dispatch: an event for one component, with its latest outcome. */
export interface EventRow {
  source: string;
  id: string;
  component: string;
  version: string | null;
  channel: ChannelName | null;
  status: DispatchStatus;
  attempts: number;
  receivedAt: string;
  customer: string | null;
  project: string | null;
  lastError: { code: string; message: string } | null;
  /** The replay that last dispatched this event for this component. */
  lastReplayId: string | null;
  /** Every outcome, oldest first: the original attempt, then each completed replay; the row shows the last. */
  history: EventOutcome[];
}

/** One completed dispatch of an event to a component: the original (`replayId` null) or a replay. */
export interface EventOutcome {
  version: string | null;
  status: Exclude<DispatchStatus, 'pending'>;
  attempts: number;
  at: string;
  replayId: string | null;
}

/** A page of `GET /v1/events`; `cursor`, when present, continues where this page stopped. */
export interface EventList {
  from: string;
  to: string;
  items: EventRow[];
  cursor?: string;
}

/** Which logged dispatches a replay takes; `status` defaults to `failed`. */
export interface ReplayFilterInput {
  component?: string;
  customer?: string;
  project?: string;
  plan?: string;
  version?: string;
  status?: 'failed' | 'all';
}

/** `current`: the version each event would be routed to now; or one registered version of `filter.component`. */
export type ReplayTarget = 'current' | { version: string };

/** `POST /v1/replays` body. */
export interface ReplayInput {
  /** RFC 3339. */
  from: string;
  /** RFC 3339; default now. The window is at most 31 days. */
  to?: string;
  filter?: ReplayFilterInput;
  target?: ReplayTarget;
  /** Count the selection and return a sample; dispatch nothing. */
  dryRun?: boolean;
  /** Default 50. */
  ratePerSecond?: number;
  /** Default 4. */
  concurrency?: number;
}

/** One dispatch a dry run would replay. */
export interface ReplaySampleItem {
  source: string;
  id: string;
  component: string;
  version: string | null;
  status: DispatchStatus;
  customer?: string;
  receivedAt?: string;
}

/** `POST /v1/replays` answer (202): the job started, or, for a dry run, what it would replay. */
export interface ReplayCreated {
  id: string;
  state: ReplayState;
  dryRun: boolean;
  /** Dry run: how many dispatches the selection holds. */
  matched?: number;
  /** Dry run: the first few of them. */
  sample?: ReplaySampleItem[];
}

/** A replay job as the router reports it. */
export interface Replay {
  id: string;
  state: ReplayState;
  request: {
    from: string;
    to: string;
    filter: ReplayFilterInput & { status: 'failed' | 'all' };
    target: ReplayTarget;
    dryRun: boolean;
    ratePerSecond: number;
    concurrency: number;
  };
  createdAt: string;
  /** The name of the token that started it. */
  createdBy: string;
  updatedAt: string;
  counts: ReplayCounts;
  /** True once `counts.matched` is the full count of the selection. */
  counted?: boolean;
  error?: string;
  /** Matched dispatches not yet dispatched or skipped. */
  remaining: number;
}

/** `GET /v1/replays`: newest first. */
export interface ReplayList {
  replays: Replay[];
}

/** `PUT /v1/components/{component}/shadow`. */
export interface ShadowInput {
  version: string;
  percent: number;
  reason?: string;
}

export interface ShadowOutcome {
  version: string | null;
  status: string | null;
  error: string | null;
}

/** `GET /v1/shadow/{component}`: shadow against primary over the window. */
export interface ShadowComparison {
  component: string;
  from: string;
  to: string;
  shadowVersion: string | null;
  compared: number;
  primary: Record<string, number>;
  shadow: Record<string, number>;
  agreement: { bothSucceeded: number; bothFailed: number; shadowOnlyFailed: number; primaryOnlyFailed: number; undecided: number };
  responses: { compared: number; matched: number; differed: number };
  differences: { source: string; id: string; primary: ShadowOutcome; shadow: ShadowOutcome; why: string }[];
}
