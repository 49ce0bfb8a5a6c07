import { type Attributes, type Counter, type Histogram, type MeterProvider, metrics } from '@opentelemetry/api';
import { guard } from './guard.js';
import {
  ATTR_CHANNEL,
  ATTR_COMPONENT,
  ATTR_COST_COMMAND,
  ATTR_DISPATCH_OUTCOME,
  ATTR_VERSION,
  INSTRUMENTATION_SCOPE,
  METRIC_COST_CONTEXT_LOST,
  METRIC_DISPATCH_DURATION,
  METRIC_DISPATCHES,
  METRIC_REDELIVERIES,
} from './semconv.js';

interface Instruments {
  provider: MeterProvider;
  dispatches: Counter;
  duration: Histogram;
  contextLost: Counter;
  redeliveries: Counter;
}

let instruments: Instruments | undefined;

/**
 * The instruments of the meter provider registered now. The API's global meter provider is not a proxy (instruments
 * made before an SDK registers stay no-ops), so they are made again whenever the global provider changes.
 */
function current(): Instruments {
  const provider = metrics.getMeterProvider();
  if (instruments?.provider === provider) return instruments;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  instruments = {
    provider,
    dispatches: meter.createCounter(METRIC_DISPATCHES, { description: 'Deliveries finished, by component, version, channel and outcome.', unit: '{dispatch}' }),
    duration: meter.createHistogram(METRIC_DISPATCH_DURATION, { description: 'Duration of each dispatch attempt (the call to the target).', unit: 'ms' }),
    contextLost: meter.createCounter(METRIC_COST_CONTEXT_LOST, { description: 'DynamoDB requests made outside any cost context.', unit: '{request}' }),
    redeliveries: meter.createCounter(METRIC_REDELIVERIES, {
      description: 'Recovered dispatches delivered again (at-least-once) because their router died after handing them to the target.',
      unit: '{dispatch}',
    }),
  };
  return instruments;
}

export interface DispatchMetricAttributes {
  component: string;
  version: string;
  /** Null when the version was pinned exactly rather than through a channel. */
  channel: string | null;
}

/** Counts one finished delivery (its terminal outcome: succeeded, dispatched or failed). Never throws. */
export function recordDispatch(dispatch: DispatchMetricAttributes, outcome: string): void {
  guard(
    'recording vrouter.dispatches',
    () => {
      const attributes: Attributes = { [ATTR_COMPONENT]: dispatch.component, [ATTR_VERSION]: dispatch.version, [ATTR_DISPATCH_OUTCOME]: outcome };
      if (dispatch.channel !== null) attributes[ATTR_CHANNEL] = dispatch.channel;
      current().dispatches.add(1, attributes);
    },
    undefined,
  );
}

/** Records one attempt's duration in milliseconds. Never throws. */
export function recordDispatchDuration(dispatch: Pick<DispatchMetricAttributes, 'component' | 'version'>, durationMs: number): void {
  guard('recording vrouter.dispatch.duration', () => current().duration.record(durationMs, { [ATTR_COMPONENT]: dispatch.component, [ATTR_VERSION]: dispatch.version }), undefined);
}

/** Counts one DynamoDB request made outside any cost context. */
export function countContextLost(command: string): void {
  guard('recording vrouter.cost.context_lost', () => current().contextLost.add(1, { [ATTR_COST_COMMAND]: command }), undefined);
}

/** Counts one at-least-once redelivery by recovery (the previous attempt reached the target, its outcome unrecorded). Never throws. */
export function recordRedelivery(dispatch: Pick<DispatchMetricAttributes, 'component' | 'version'>): void {
  guard('recording vrouter.dispatch.redeliveries', () => current().redeliveries.add(1, { [ATTR_COMPONENT]: dispatch.component, [ATTR_VERSION]: dispatch.version }), undefined);
}
