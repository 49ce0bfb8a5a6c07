import assert from 'node:assert/strict';
import t from 'tap';
import { exampleHandler } from '../src/index.js';

t.test('the example emits a follow-up carrying the chain context for release.requested with data.followUp', async () => {
  const emitted: Record<string, unknown>[] = [];
  let delivered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    delivered = resolve;
  });
  const handler = exampleHandler('release-coordinator', 'v2', {
    emit: async (event) => {
      emitted.push(event);
      delivered();
    },
  });
  const context = { requestId: 'r', functionName: 'release-coordinator', qualifier: '2' } as never;
  const payload = { specversion: '1.0', id: 'e-1', source: '/t', type: 'release.requested', data: { followUp: true }, vrouter: { context: 'vrc1.x.y' } };
  assert.deepEqual(await handler(payload, context), { handledBy: 'release-coordinator@v2', eventId: 'e-1', type: 'release.requested' });
  await done;
  assert.deepEqual(emitted, [
    { specversion: '1.0', id: 'e-1-followup', source: '/example/release-coordinator', type: 'release.followup', data: { after: 'e-1' }, vroutercontext: 'vrc1.x.y' },
  ]);
  // Its follow-up does not ask for another one, and events without data.followUp emit nothing.
  await handler({ ...payload, id: 'e-2', data: {} }, context);
  await handler(emitted[0], context);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(emitted.length, 1);
});
