import { AsyncLocalStorage } from 'node:async_hooks';
import { type Attributes, diag } from '@opentelemetry/api';
import { guard } from './guard.js';
import { countContextLost } from './metrics.js';
import { ATTR_COST_DISPATCH_ATTEMPTS, ATTR_COST_DYNAMODB_CAPACITY, ATTR_COST_DYNAMODB_REQUESTS, ATTR_COST_OVER_LIMIT } from './semconv.js';

/**
 * What one unit of work cost: an event (from ingest until its dispatches finished), a recovered dispatch, a replayed
 * event, an admin change, an HTTP request, or background work such as the configuration poll. Only the costs of
 * events, recoveries and replays are checked against limits (by EventTrace); the other kinds exist so that their
 * requests are attributed rather than reported as "context lost".
 */
export type CostKind = 'event' | 'recovery' | 'replay' | 'admin' | 'request' | 'background';

export class CostContext {
  dynamodbRequests = 0;
  /** Capacity units DynamoDB reported (only when a request asked for ConsumedCapacity). */
  dynamodbCapacity = 0;
  dispatchAttempts = 0;

  constructor(
    readonly kind: CostKind,
    /** What it is: an event id, a route, an admin action, a background task. */
    readonly name: string,
  ) {}
}

/** When an event is worth a warning. An event exceeds a limit when it goes strictly over it; 0 turns a limit off. */
export interface CostLimits {
  dynamodbRequests: number;
  dispatchAttempts: number;
}

/** One new event normally costs 3 DynamoDB requests (record, claim, complete) and 1 attempt per component. */
export const DEFAULT_COST_LIMITS: Readonly<CostLimits> = { dynamodbRequests: 5, dispatchAttempts: 5 };

const storage = new AsyncLocalStorage<CostContext>();

/** Runs `fn` with `cost` as the current cost context: requests and attempts made inside (awaited or not) count on it. */
export function runWithCost<T>(cost: CostContext, fn: () => T): T {
  return storage.run(cost, fn);
}

/** The cost context of the code running now, if any. */
export function currentCost(): CostContext | undefined {
  return storage.getStore();
}

/** Counts a dispatch attempt on the current cost context (none: not counted, attempts outside events are not cost). */
export function countDispatchAttempt(): void {
  const cost = storage.getStore();
  if (cost) cost.dispatchAttempts += 1;
}

let lostTotal = 0;
const lostListeners = new Set<(command: string, total: number) => void>();

/**
 * Counts a DynamoDB request on the current cost context. With none, the request is "context lost": it is counted
 * (contextLostCount, the vrouter.cost.context_lost counter) and reported to onContextLost listeners, never dropped.
 */
export function countDynamoRequest(command: string): void {
  const cost = storage.getStore();
  if (cost) {
    cost.dynamodbRequests += 1;
    return;
  }
  lostTotal += 1;
  countContextLost(command);
  for (const listener of lostListeners) guard('a context-lost listener', () => listener(command, lostTotal), undefined);
}

/** Adds capacity units to the current cost context; outside one they are not kept (the request was counted lost). */
export function countDynamoCapacity(units: number): void {
  const cost = storage.getStore();
  if (cost && Number.isFinite(units)) cost.dynamodbCapacity += units;
}

/** How many DynamoDB requests this process made outside any cost context. */
export function contextLostCount(): number {
  return lostTotal;
}

/** Calls `listener` for each DynamoDB request made outside any cost context; returns the unsubscribe function. */
export function onContextLost(listener: (command: string, total: number) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

/**
 * The names of the limits `cost` went over, e.g. ['dynamodbRequests']. Each dispatch attempt after the first renews
 * its lease (one request): the request limit allows one more per such attempt, so a retried event is not reported
 * as costly for its retries (those the attempt limit is about).
 */
export function exceededLimits(cost: CostContext, limits: CostLimits): (keyof CostLimits)[] {
  const exceeded: (keyof CostLimits)[] = [];
  const retryAllowance = Math.max(0, cost.dispatchAttempts - 1);
  if (limits.dynamodbRequests > 0 && cost.dynamodbRequests > limits.dynamodbRequests + retryAllowance) exceeded.push('dynamodbRequests');
  if (limits.dispatchAttempts > 0 && cost.dispatchAttempts > limits.dispatchAttempts) exceeded.push('dispatchAttempts');
  return exceeded;
}

/** The vrouter.cost.* attributes of `cost`. */
export function costAttributes(cost: CostContext, overLimit?: boolean): Attributes {
  const attributes: Attributes = {
    [ATTR_COST_DYNAMODB_REQUESTS]: cost.dynamodbRequests,
    [ATTR_COST_DYNAMODB_CAPACITY]: cost.dynamodbCapacity,
    [ATTR_COST_DISPATCH_ATTEMPTS]: cost.dispatchAttempts,
  };
  if (overLimit !== undefined) attributes[ATTR_COST_OVER_LIMIT] = overLimit;
  return attributes;
}

/** DynamoDB operations that accept ReturnConsumedCapacity. */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
  'ExecuteStatementCommand',
  'BatchExecuteStatementCommand',
  'ExecuteTransactionCommand',
]);

/** Capacity units of a ConsumedCapacity member: one object (single-item calls) or an array (batches, transactions). */
export function capacityUnits(consumed: unknown): number {
  if (Array.isArray(consumed)) return consumed.reduce((sum: number, item) => sum + capacityUnits(item), 0);
  if (typeof consumed !== 'object' || consumed === null) return 0;
  const units = (consumed as { CapacityUnits?: unknown }).CapacityUnits;
  return typeof units === 'number' && Number.isFinite(units) ? units : 0;
}

/** A handler of the AWS SDK's middleware stack, as far as cost tracking needs to know it. */
type Handler = (args: never) => Promise<{ output: unknown }>;

/** An AWS SDK v3 `initialize` middleware (structurally typed, so this package needs no AWS SDK dependency). */
export type CostMiddleware = <H extends Handler>(next: H, context: { commandName?: string }) => H;

export interface CostMiddlewareOptions {
  /**
   * Ask DynamoDB for ConsumedCapacity (ReturnConsumedCapacity: TOTAL) on the operations that accept it, unless the
   * caller asked for something already. Default false: only capacity that responses carry anyway is counted.
   */
  requestCapacity?: boolean;
}

/** Where costMiddleware goes: `client.middlewareStack.add(costMiddleware(), COST_MIDDLEWARE_OPTIONS)`. */
export const COST_MIDDLEWARE_OPTIONS = { step: 'initialize', name: 'vrouterCost', override: true } as const;

/**
 * A middleware for a DynamoDBClient that counts each command (once, whatever the SDK's own retries) on the current
 * cost context, and the ConsumedCapacity of its response when there is one. Requests made outside any cost context
 * are counted as context lost. Never changes a request's outcome: its own failures go to `diag`.
 */
export function costMiddleware(options: CostMiddlewareOptions = {}): CostMiddleware {
  return <H extends Handler>(next: H, context: { commandName?: string }): H => {
    const command = context.commandName ?? 'unknown';
    const handler = async (args: Parameters<H>[0]): Promise<Awaited<ReturnType<H>>> => {
      guard('counting a DynamoDB request', () => countDynamoRequest(command), undefined);
      const sent = options.requestCapacity ? guard('asking for ConsumedCapacity', () => withCapacityRequested(command, args), args) : args;
      const result = (await next(sent)) as Awaited<ReturnType<H>>;
      guard('reading ConsumedCapacity', () => countDynamoCapacity(capacityUnits((result.output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity)), undefined);
      return result;
    };
    return handler as unknown as H;
  };
}

function withCapacityRequested<A>(command: string, args: A): A {
  if (!CAPACITY_COMMANDS.has(command)) return args;
  const input = (args as { input?: Record<string, unknown> }).input;
  if (typeof input !== 'object' || input === null || input.ReturnConsumedCapacity !== undefined) return args;
  // A copy: the command's own input object stays as the caller built it.
  return { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } };
}

/** For tests: forget the context-lost count. */
export function resetContextLost(): void {
  lostTotal = 0;
  diag.debug('vrouter telemetry: context-lost count reset');
}
