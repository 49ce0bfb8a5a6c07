import assert from 'node:assert/strict';
import t from 'tap';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import {
  ATTR_CHANNEL,
  ATTR_COMPONENT,
  ATTR_DISPATCH_OUTCOME,
  ATTR_VERSION,
  countDynamoRequest,
  METRIC_COST_CONTEXT_LOST,
  METRIC_DISPATCH_DURATION,
  METRIC_DISPATCHES,
  recordDispatch,
  withDispatchSpan,
} from '../src/index.js';
import { registerSdk } from './setup.js';

const sdk = registerSdk();

async function collect(): Promise<Map<string, MetricData>> {
  const { resourceMetrics } = await sdk.reader.collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

t.test('metrics', async (t) => {
  t.test('counts finished dispatches by component, version, channel and outcome', async () => {
    recordDispatch({ component: 'svc', version: 'v1', channel: 'stable' }, 'succeeded');
    recordDispatch({ component: 'svc', version: 'v1', channel: 'stable' }, 'succeeded');
    recordDispatch({ component: 'svc', version: 'v2', channel: null }, 'failed');
    const points = (await collect()).get(METRIC_DISPATCHES)!.dataPoints as DataPoint<number>[];
    const find = (version: string) => points.find((p) => p.attributes[ATTR_VERSION] === version)!;
    assert.equal(find('v1').value, 2);
    assert.deepEqual(find('v1').attributes, { [ATTR_COMPONENT]: 'svc', [ATTR_VERSION]: 'v1', [ATTR_CHANNEL]: 'stable', [ATTR_DISPATCH_OUTCOME]: 'succeeded' });
    assert.equal(find('v2').value, 1);
    assert.equal(find('v2').attributes[ATTR_CHANNEL], undefined);
  });

  t.test('records each attempt duration in ms by component and version', async () => {
    const base = {
      component: 'svc',
      version: 'v3',
      channel: 'experimental',
      pin: null,
      pinSource: 'default',
      event: { id: 'e', source: '/s', type: 't' },
      targetKind: 'lambda',
      attempt: 1,
    };
    await withDispatchSpan(base, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 'succeeded' };
    });
    const metric = (await collect()).get(METRIC_DISPATCH_DURATION)!;
    assert.equal(metric.descriptor.unit, 'ms');
    const point = (metric.dataPoints as DataPoint<Histogram>[]).find((p) => p.attributes[ATTR_VERSION] === 'v3')!;
    assert.deepEqual(point.attributes, { [ATTR_COMPONENT]: 'svc', [ATTR_VERSION]: 'v3' });
    assert.equal(point.value.count, 1);
    assert.ok(point.value.sum! >= 15, `about 20 ms, got ${point.value.sum}`);
  });

  t.test('counts DynamoDB requests with no cost context', async () => {
    countDynamoRequest('ScanCommand');
    const points = (await collect()).get(METRIC_COST_CONTEXT_LOST)!.dataPoints as DataPoint<number>[];
    assert.equal(points.find((p) => p.attributes['vrouter.cost.command'] === 'ScanCommand')?.value, 1);
  });
});
