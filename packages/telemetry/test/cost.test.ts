import assert from 'node:assert/strict';
import t from 'tap';
import { trace } from '@opentelemetry/api';
import { capacityUnits, COST_MIDDLEWARE_OPTIONS, CostContext, contextLostCount, costMiddleware, inBackground, onContextLost, runWithCost } from '../src/index.js';
import { registerSdk } from './setup.js';

const sdk = registerSdk();

type Args = { input: Record<string, unknown> };
type Result = { output: Record<string, unknown> };

/** Runs a command through the middleware the way the AWS SDK's stack would, answering `output`. */
function send(command: string, input: Record<string, unknown>, output: Record<string, unknown> = {}, requestCapacity = false) {
  const seen: Args[] = [];
  const next = async (args: Args): Promise<Result> => {
    seen.push(args);
    return { output };
  };
  const handler = costMiddleware({ requestCapacity })(next, { commandName: command });
  return { result: handler({ input }), seen };
}

t.test('costMiddleware', async (t) => {
  t.test('counts each request and its consumed capacity on the current cost context', async () => {
    const cost = new CostContext('event', 'e-1');
    await runWithCost(cost, async () => {
      await send('PutItemCommand', {}, { ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } }).result;
      await send('TransactWriteItemsCommand', {}, { ConsumedCapacity: [{ CapacityUnits: 2 }, { CapacityUnits: 0.5 }] }).result;
      await send('GetItemCommand', {}, {}).result;
    });
    assert.equal(cost.dynamodbRequests, 3);
    assert.equal(cost.dynamodbCapacity, 3.5);
  });

  t.test('counts a request that fails, and passes its error on', async () => {
    const cost = new CostContext('event', 'e-2');
    const failing = costMiddleware()(
      async (_args: Args): Promise<Result> => {
        throw new Error('ConditionalCheckFailedException');
      },
      { commandName: 'PutItemCommand' },
    );
    await assert.rejects(
      runWithCost(cost, () => failing({ input: {} })),
      /ConditionalCheckFailed/,
    );
    assert.equal(cost.dynamodbRequests, 1);
  });

  t.test('asks for ConsumedCapacity when told to, on the operations that accept it, without touching the caller input', async () => {
    const input = { TableName: 't' };
    const put = send('PutItemCommand', input, {}, true);
    await put.result;
    assert.equal(put.seen[0]!.input.ReturnConsumedCapacity, 'TOTAL');
    assert.equal('ReturnConsumedCapacity' in input, false);
    const describeTable = send('DescribeTableCommand', { TableName: 't' }, {}, true);
    await describeTable.result;
    assert.equal(describeTable.seen[0]!.input.ReturnConsumedCapacity, undefined);
    const explicit = send('QueryCommand', { ReturnConsumedCapacity: 'INDEXES' }, {}, true);
    await explicit.result;
    assert.equal(explicit.seen[0]!.input.ReturnConsumedCapacity, 'INDEXES');
  });

  t.test('reports requests made outside any cost context as context lost, never silently', async () => {
    const lost: string[] = [];
    const stop = onContextLost((command) => lost.push(command));
    const before = contextLostCount();
    await send('QueryCommand', {}).result;
    stop();
    await send('QueryCommand', {}).result;
    assert.deepEqual(lost, ['QueryCommand']);
    assert.equal(contextLostCount(), before + 2);
  });

  t.test('does not count background work as lost, and traces none of it', async () => {
    sdk.spans.reset();
    const before = contextLostCount();
    await inBackground('config-poll', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await send('GetItemCommand', {}).result;
      const span = trace.getTracer('test').startSpan('poll');
      assert.equal(span.isRecording(), false, 'the SDK honours the suppression key');
      span.end();
    });
    assert.equal(contextLostCount(), before);
    assert.equal(sdk.finished('poll').length, 0);
  });

  t.test('is placed in the initialize step under a fixed name, replacing itself', async () => {
    assert.deepEqual(COST_MIDDLEWARE_OPTIONS, { step: 'initialize', name: 'vrouterCost', override: true });
  });

  t.test('reads capacity from objects and arrays, ignoring anything else', async () => {
    assert.equal(capacityUnits({ CapacityUnits: 2 }), 2);
    assert.equal(capacityUnits([{ CapacityUnits: 2 }, { CapacityUnits: 'x' }, null]), 2);
    assert.equal(capacityUnits(undefined), 0);
  });
});
