import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { isVrouterError, parseCloudEvent } from '@vrouter/core';
import { DEFAULT_EVENTBRIDGE_PATHS, eventBridgeToCloudEvent, isEventBridgeEnvelope, valueAt } from '../src/bus/eventbridge.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../../../test/fixtures/aws-events/${name}`, import.meta.url), 'utf8'));

t.test('EventBridge → CloudEvent', async (t) => {
  t.test('maps the documented envelope fields, and the routing attributes from the default paths', async () => {
    const envelope = fixture('eventbridge-custom-event.json');
    const event = eventBridgeToCloudEvent(envelope);
    assert.deepEqual(event, {
      specversion: '1.0',
      id: envelope.id,
      source: 'com.example.ci',
      type: 'build.finished',
      time: '2024-05-14T09:30:00Z',
      datacontenttype: 'application/json',
      data: envelope.detail,
      customerid: 'globex',
      projectid: 'globex-web',
      plan: 'enterprise',
    });
    // A valid structured CloudEvent.
    assert.equal(parseCloudEvent(event).type, 'build.finished');
  });

  t.test('carries a chain context and an override token from the detail as the event attributes', async () => {
    const envelope = fixture('eventbridge-custom-event.json');
    const detail = { ...(envelope.detail as Record<string, unknown>), vroutercontext: 'vrc1.a.b', vrouteroverride: 'vro1.c.d', other: 1 };
    const event = eventBridgeToCloudEvent({ ...envelope, detail });
    assert.equal(event.vroutercontext, 'vrc1.a.b');
    assert.equal(event.vrouteroverride, 'vro1.c.d');
    assert.equal(eventBridgeToCloudEvent({ ...envelope, detail: { vroutercontext: 42 } }).vroutercontext, undefined, 'only strings');
  });

  t.test('leaves out routing attributes the paths do not find (ingest then asks for a customer)', async () => {
    const event = eventBridgeToCloudEvent(fixture('eventbridge-scheduled-event.json'));
    assert.equal(event.type, 'Scheduled Event');
    assert.equal(event.source, 'aws.events');
    assert.deepEqual(event.data, {});
    assert.ok(!('customerid' in event) && !('projectid' in event) && !('plan' in event));
  });

  t.test('records an archive replay as the ebreplayname attribute (a valid CloudEvents attribute name)', async () => {
    const event = eventBridgeToCloudEvent(fixture('eventbridge-replayed-event.json'));
    assert.equal(event.ebreplayname, 'ci-archive-replay-2024-05-14');
    assert.doesNotThrow(() => parseCloudEvent(event));
  });

  t.test('follows configured paths, through arrays, and writes numbers in decimal', async () => {
    const envelope = { ...fixture('eventbridge-custom-event.json'), detail: { org: { id: 42 }, projects: ['p-1'], tier: { name: 'free' } } };
    const event = eventBridgeToCloudEvent(envelope, { customer: 'detail.org.id', project: 'detail.projects.0', plan: 'detail.tier.name' });
    assert.deepEqual([event.customerid, event.projectid, event.plan], ['42', 'p-1', 'free']);
  });

  t.test('ignores values that are not strings or numbers', async () => {
    const envelope = { ...fixture('eventbridge-custom-event.json'), detail: { customerId: { nested: true }, projectId: '', plan: null } };
    const event = eventBridgeToCloudEvent(envelope, DEFAULT_EVENTBRIDGE_PATHS);
    assert.ok(!('customerid' in event) && !('projectid' in event) && !('plan' in event));
  });

  t.test('refuses an envelope without id, source or detail-type (VR_EVENT_INVALID naming the field)', async () => {
    for (const field of ['id', 'source', 'detail-type']) {
      const envelope = fixture('eventbridge-custom-event.json');
      delete envelope[field];
      assert.throws(
        () => eventBridgeToCloudEvent({ ...envelope, 'detail-type': field === 'detail-type' ? 42 : envelope['detail-type'] }),
        (error: unknown) => isVrouterError(error) && error.code === 'VR_EVENT_INVALID' && error.field === field,
      );
    }
  });

  t.test('tells an EventBridge envelope from a CloudEvent by detail-type', async () => {
    assert.equal(isEventBridgeEnvelope(fixture('eventbridge-scheduled-event.json')), true);
    assert.equal(isEventBridgeEnvelope({ specversion: '1.0', id: '1', source: '/s', type: 't' }), false);
    assert.equal(isEventBridgeEnvelope([]), false);
    assert.equal(isEventBridgeEnvelope('detail-type'), false);
  });

  t.test('valueAt reads own properties only', async () => {
    assert.equal(valueAt({ a: { b: 'x' } }, 'a.b'), 'x');
    assert.equal(valueAt({ a: {} }, 'a.constructor'), undefined);
    assert.equal(valueAt({ a: ['x', 'y'] }, 'a.1'), 'y');
    assert.equal(valueAt({ a: 'x' }, 'a.b'), undefined);
  });
});
