import { type Attributes, type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { CostContext, type CostLimits, costAttributes, DEFAULT_COST_LIMITS, exceededLimits, runWithCost } from './cost.js';
import { guard } from './guard.js';
import {
  ATTR_CHAIN_DEPTH,
  ATTR_CHAIN_ROOT,
  ATTR_CUSTOMER_ID,
  ATTR_DUPLICATE,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_COMPONENTS,
  ATTR_EVENT_ID,
  ATTR_EVENT_SOURCE,
  ATTR_EVENT_STATUS,
  ATTR_EVENT_TYPE,
  ATTR_OVERRIDE_SUBJECT,
  ATTR_PLAN,
  ATTR_PROJECT_ID,
  SPAN_EVENT,
  SPAN_RECOVERY,
  SPAN_REPLAY,
} from './semconv.js';
import { definedAttributes, eventParent, recordFailure, tracer } from './spans.js';

/** Where cost warnings go; the router's logger has this shape. */
export interface CostLogger {
  warn(object: object, message: string): void;
}

export interface EventTraceOptions {
  /** The `traceparent` header of the request that carried the event (see eventParent). */
  headerTraceparent?: string;
  /**
   * `recovery`: a dispatch taken over after its router's lease expired (span vrouter.recovery); `replay`: an event
   * replayed by a replay job (span vrouter.replay; give ATTR_REPLAY_ID in `attributes`). Default `event`.
   */
  kind?: 'event' | 'recovery' | 'replay';
  /** Default DEFAULT_COST_LIMITS. */
  limits?: CostLimits;
  /** Gets a warning, with the event's id, when the event goes over a limit. */
  logger?: CostLogger;
  /** More attributes for the span, e.g. the routing facts of a recovered dispatch. */
  attributes?: Attributes;
}

/** What an event looks like before it is validated: any field may be missing or of the wrong type. */
export interface EventLike {
  id?: unknown;
  source?: unknown;
  type?: unknown;
  traceparent?: unknown;
}

const SPAN_NAMES = { event: SPAN_EVENT, recovery: SPAN_RECOVERY, replay: SPAN_REPLAY } as const;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * One event's telemetry: its span (`vrouter.event`; `vrouter.recovery` for a recovered dispatch, `vrouter.replay` for
 * a replayed event), a child of the event's `traceparent` or of the request (see eventParent), and its cost context. Work run through `run` happens
 * in both, so dispatch spans become children of the event span and DynamoDB requests and attempts count on the
 * event. `end` sets the vrouter.cost.* attributes, warns when a limit was exceeded and ends the span.
 * No method throws: failures of telemetry go to `diag`.
 */
export class EventTrace {
  readonly cost: CostContext;
  /** The event span's context: run the event's work in it. */
  readonly context: Context;
  /** Undefined when nothing records it (no SDK, or sampled out): then no attribute is even built. */
  readonly #span: Span | undefined;
  readonly #limits: CostLimits;
  readonly #logger: CostLogger | undefined;
  #identity: { id?: string; source?: string };
  #ended = false;

  private constructor(span: Span | undefined, spanContext: Context, cost: CostContext, identity: { id?: string; source?: string }, options: EventTraceOptions) {
    this.#span = span?.isRecording() ? span : undefined;
    this.context = spanContext;
    this.cost = cost;
    this.#identity = identity;
    this.#limits = options.limits ?? DEFAULT_COST_LIMITS;
    this.#logger = options.logger;
  }

  /** Starts the span of `event` (which may not be valid yet: whatever identifies it is recorded). */
  static start(event: EventLike, options: EventTraceOptions = {}): EventTrace {
    const kind = options.kind ?? 'event';
    const identity = { id: text(event.id), source: text(event.source) };
    const span = guard(
      'starting an event span',
      () => {
        const parent = eventParent(event.traceparent, options.headerTraceparent);
        const attributes = definedAttributes({ [ATTR_EVENT_ID]: identity.id, [ATTR_EVENT_SOURCE]: identity.source, [ATTR_EVENT_TYPE]: text(event.type), ...options.attributes });
        const started = tracer().startSpan(SPAN_NAMES[kind], { kind: SpanKind.CONSUMER, attributes, links: parent.links }, parent.context);
        return { span: started, context: trace.setSpan(parent.context, started) };
      },
      undefined,
    );
    return new EventTrace(span?.span, span?.context ?? context.active(), new CostContext(kind, identity.id ?? '(unknown)'), identity, options);
  }

  /** Runs `fn` in the event's span and cost context. */
  run<T>(fn: () => T): T {
    return runWithCost(this.cost, () => context.with(this.context, fn));
  }

  /** Records the event's identity once it is validated. */
  identify(event: { id: string; source: string; type: string }): void {
    this.#identity = { id: event.id, source: event.source };
    if (this.#span) this.#set({ [ATTR_EVENT_ID]: event.id, [ATTR_EVENT_SOURCE]: event.source, [ATTR_EVENT_TYPE]: event.type });
  }

  /** Records who the event is for and how many components it goes to. */
  routed(routing: { customer?: string; project?: string; plan?: string; components: number }): void {
    if (this.#span)
      this.#set(
        definedAttributes({ [ATTR_CUSTOMER_ID]: routing.customer, [ATTR_PROJECT_ID]: routing.project, [ATTR_PLAN]: routing.plan, [ATTR_EVENT_COMPONENTS]: routing.components }),
      );
  }

  /** Records the chain the event belongs to and the override subject it runs under, if any. */
  chained(chain: { root: { source: string; id: string }; depth: number; overrideSubject?: string }): void {
    if (this.#span)
      this.#set(definedAttributes({ [ATTR_CHAIN_ROOT]: `${chain.root.source} ${chain.root.id}`, [ATTR_CHAIN_DEPTH]: chain.depth, [ATTR_OVERRIDE_SUBJECT]: chain.overrideSubject }));
  }

  /** Records the event's answer; `errorCode` (a VR_* code) for a rejected event. A rejection is the sender's error, not the router's: the span status stays unset. */
  answered(status: 'accepted' | 'duplicate' | 'rejected', errorCode?: string): void {
    if (this.#span) this.#set(definedAttributes({ [ATTR_EVENT_STATUS]: status, [ATTR_DUPLICATE]: status === 'duplicate', [ATTR_ERROR_TYPE]: errorCode }));
  }

  /** Marks the span failed by an unexpected error (status ERROR). */
  fail(error: unknown): void {
    if (this.#span) recordFailure(this.#span, error);
  }

  /** Sets the cost attributes, warns through the logger when a limit was exceeded, ends the span. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const exceeded = guard('checking cost limits', () => exceededLimits(this.cost, this.#limits), []);
    if (exceeded.length > 0) guard('warning about an event cost', () => this.#warn(exceeded), undefined);
    const span = this.#span;
    if (span) guard('ending an event span', () => span.setAttributes(costAttributes(this.cost, exceeded.length > 0)).end(), undefined);
  }

  /** Logs the cost warning in the event's span, so its trace_id and span_id (see traceLogFields) are the event's. */
  #warn(exceeded: (keyof CostLimits)[]): void {
    const logger = this.#logger;
    if (!logger) return;
    const { cost } = this;
    const fields = {
      eventId: this.#identity.id,
      source: this.#identity.source,
      exceeded,
      dynamodbRequests: cost.dynamodbRequests,
      dynamodbCapacity: cost.dynamodbCapacity,
      dispatchAttempts: cost.dispatchAttempts,
      limits: this.#limits,
    };
    const message = `event ${this.#identity.id ?? '(unknown)'} cost more than its limits (${exceeded.join(', ')})`;
    context.with(this.context, () => logger.warn(fields, message));
  }

  #set(attributes: Attributes): void {
    const span = this.#span;
    if (span) guard('setting event span attributes', () => span.setAttributes(attributes), undefined);
  }
}
