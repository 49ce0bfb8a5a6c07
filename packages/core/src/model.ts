/** Closed sets of the routing model. Order matters: SCOPES is the precedence, most specific first. */
export const CHANNELS = ['stable', 'beta', 'experimental'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const SCOPES = ['project', 'customer', 'plan'] as const;
export type PinScope = (typeof SCOPES)[number];

export const TARGET_KINDS = ['lambda', 'ecs', 'http'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const LAMBDA_INVOCATION_TYPES = ['RequestResponse', 'Event'] as const;
export type LambdaInvocationType = (typeof LAMBDA_INVOCATION_TYPES)[number];

export interface LambdaTarget {
  kind: 'lambda';
  functionName: string;
  qualifier: string;
  invocationType: LambdaInvocationType;
}

export interface EcsTarget {
  kind: 'ecs';
  cluster: string;
  taskDefinition: string;
  containerName: string;
  launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  networkConfiguration?: Record<string, unknown>;
}

export interface HttpTarget {
  kind: 'http';
  url: string;
  timeoutMs?: number;
}

export type Target = LambdaTarget | EcsTarget | HttpTarget;

/** Every stored configuration record carries an entity tag that changes on each write (HTTP ETag / If-Match). */
export interface Tagged {
  etag?: string;
}

/**
 * How a component treats the chain an event continues: `keep` (the default) gives it the version the chain already
 * decided for it; `resolve` resolves it afresh on every hop.
 */
export const CHAIN_MODES = ['keep', 'resolve'] as const;
export type ChainMode = (typeof CHAIN_MODES)[number];

export interface Component extends Tagged {
  name: string;
  description?: string;
  /** Event types this component receives: exact (`build.started`), prefix (`build.*`) or everything (`*`). */
  subscriptions: string[];
  /** Mirror a sticky share of customers' live events to a candidate version; its outcomes never affect the primary. */
  shadow?: ShadowConfig;
  /** Unset: `keep`. */
  chain?: ChainMode;
  createdAt: string;
  updatedAt: string;
}

export interface ShadowConfig {
  version: string;
  /** 0 to 100: the share of customers (sticky: a customer is in or out for as long as the percentage stays). */
  percent: number;
}

export interface Version extends Tagged {
  component: string;
  name: string;
  target: Target;
  /** At most this many dispatches to this version at once, per router process; unset: the router's default. */
  maxConcurrency?: number;
  /** Keep the target's answer on each dispatch; off by default, since any `read` token can see it. */
  recordResponse?: boolean;
  registeredAt: string;
}

export interface ChannelPointer extends Tagged {
  component: string;
  channel: ChannelName;
  version: string;
  /** The version this channel pointed at before, for rollback. */
  previousVersion?: string;
  updatedAt: string;
}

/** What a pin routes to: a channel (follows promotions) or one exact version. */
export type PinTarget = { channel: ChannelName; version?: undefined } | { version: string; channel?: undefined };

export type Pin = PinTarget &
  Tagged & {
    scope: PinScope;
    subject: string;
    component: string;
    /** RFC 3339; a pin at or past this instant is ignored. */
    expiresAt?: string;
    reason?: string;
    createdAt: string;
  };

export interface Customer extends Tagged {
  id: string;
  plan?: string;
}

export interface Project extends Tagged {
  id: string;
  customer: string;
}

export const TOKEN_SCOPES = ['events:write', 'read', 'pins:write', 'versions:write', 'replay', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A named API token. Only the SHA-256 of the token is ever stored. */
export interface TokenRecord extends Tagged {
  name: string;
  /** Hex SHA-256 of the token. */
  hash: string;
  scopes: TokenScope[];
  createdAt: string;
  createdBy: string;
}
