import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventRouting, parseCloudEvent, ValidationError } from '../src/index.js';

const valid = { specversion: '1.0', id: 'e-1', source: '/ci', type: 'build.started', customerid: 'acme' };

function rejects(input: unknown, field: string) {
  assert.throws(
    () => eventRouting(parseCloudEvent(input)),
    (error: unknown) => error instanceof ValidationError && error.code === 'VR_EVENT_INVALID' && error.field === field,
  );
}

describe('parseCloudEvent', () => {
  it('accepts a valid event and reads its routing attributes', () => {
    const event = parseCloudEvent({ ...valid, projectid: 'web', plan: 'pro', component: 'builder', data: { a: 1 } });
    assert.deepEqual(eventRouting(event), { customer: 'acme', project: 'web', plan: 'pro', component: 'builder' });
  });

  for (const field of ['id', 'source', 'type', 'specversion']) {
    it(`names a missing ${field}`, () => {
      const { [field as keyof typeof valid]: _, ...rest } = valid;
      rejects(rest, field);
    });
  }

  it('rejects a non-object', () => rejects([valid], 'body'));
  it('rejects specversion 0.3', () => rejects({ ...valid, specversion: '0.3' }, 'specversion'));
  it('rejects an empty id', () => rejects({ ...valid, id: '' }, 'id'));
  it('rejects a malformed time', () => rejects({ ...valid, time: 'yesterday' }, 'time'));
  it('rejects an attribute name that is not lower-case alphanumeric', () => rejects({ ...valid, customerId: 'x' }, 'customerId'));
  it('rejects a malformed component', () => rejects({ ...valid, component: 'Bad Name' }, 'component'));
  it('rejects a non-string customerid', () => rejects({ ...valid, customerid: 42 }, 'customerid'));
  it('rejects an over-long id', () => rejects({ ...valid, id: 'x'.repeat(300) }, 'id'));
});
