import assert from 'node:assert/strict';
import t from 'tap';
import { eventRouting, parseCloudEvent, ValidationError } from '../src/index.js';

const valid = { specversion: '1.0', id: 'e-1', source: '/ci', type: 'build.started', customerid: 'acme' };

function rejects(input: unknown, field: string) {
  assert.throws(
    () => eventRouting(parseCloudEvent(input)),
    (error: unknown) => error instanceof ValidationError && error.code === 'VR_EVENT_INVALID' && error.field === field,
  );
}

t.test('parseCloudEvent', async (t) => {
  t.test('accepts a valid event and reads its routing attributes', async () => {
    const event = parseCloudEvent({ ...valid, projectid: 'web', plan: 'pro', component: 'builder', data: { a: 1 } });
    assert.deepEqual(eventRouting(event), { customer: 'acme', project: 'web', plan: 'pro', component: 'builder' });
  });

  for (const field of ['id', 'source', 'type', 'specversion']) {
    t.test(`names a missing ${field}`, async () => {
      const { [field as keyof typeof valid]: _, ...rest } = valid;
      rejects(rest, field);
    });
  }

  t.test('rejects a non-object', async () => rejects([valid], 'body'));
  t.test('rejects specversion 0.3', async () => rejects({ ...valid, specversion: '0.3' }, 'specversion'));
  t.test('rejects an empty id', async () => rejects({ ...valid, id: '' }, 'id'));
  t.test('rejects a malformed time', async () => rejects({ ...valid, time: 'yesterday' }, 'time'));
  t.test('rejects an attribute name that is not lower-case alphanumeric', async () => rejects({ ...valid, customerId: 'x' }, 'customerId'));
  t.test('rejects a malformed component', async () => rejects({ ...valid, component: 'Bad Name' }, 'component'));
  t.test('rejects a non-string customerid', async () => rejects({ ...valid, customerid: 42 }, 'customerid'));
  t.test('rejects an over-long id', async () => rejects({ ...valid, id: 'x'.repeat(300) }, 'id'));
});
