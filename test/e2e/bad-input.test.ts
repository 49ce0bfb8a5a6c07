import assert from 'node:assert/strict';
import t from 'tap';
import { cloudEvent, seedSvc, type Stack, startStack } from '../src/stack.js';

type Problem = { type: string; status: number; code: string; field?: string; detail: string };

t.test('bad input and failing targets', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack({ env: { VROUTER_MAX_BODY_BYTES: '4096' } });
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  async function expectProblem(response: Promise<{ status: number; contentType: string; body: unknown }>, status: number, code: string, field?: string): Promise<void> {
    const r = await response;
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.contentType, /^application\/problem\+json/);
    const problem = r.body as Problem;
    assert.equal(problem.code, code);
    assert.equal(problem.status, status);
    if (field) assert.equal(problem.field, field);
  }

  const post = (body: unknown, options?: { raw?: string; contentType?: string }) => stack.api('POST', '/v1/events', body, options);

  t.test('malformed JSON', async () => expectProblem(post(undefined, { raw: '{"specversion":', contentType: 'application/cloudevents+json' }), 400, 'VR_BODY_MALFORMED', 'body'));

  for (const field of ['id', 'source', 'type', 'specversion']) {
    t.test(`a CloudEvent without ${field}`, async () => {
      const event = cloudEvent({ customerid: 'acme' });
      delete event[field];
      await expectProblem(post(event), 400, 'VR_EVENT_INVALID', field);
    });
  }

  t.test('an unknown component', async () => expectProblem(post(cloudEvent({ customerid: 'acme', component: 'nope' })), 422, 'VR_COMPONENT_UNKNOWN', 'component'));
  t.test('no customer', async () => expectProblem(post(cloudEvent()), 400, 'VR_CUSTOMER_REQUIRED', 'customerid'));
  t.test('a project with no known customer', async () => expectProblem(post(cloudEvent({ projectid: 'orphan' })), 400, 'VR_CUSTOMER_REQUIRED', 'customerid'));
  t.test('a body over the limit', async () => expectProblem(post(cloudEvent({ customerid: 'acme', data: 'x'.repeat(5000) })), 413, 'VR_BODY_TOO_LARGE'));
  t.test('an unsupported media type', async () => expectProblem(post(undefined, { raw: 'hello', contentType: 'text/plain' }), 415, 'VR_UNSUPPORTED_MEDIA_TYPE'));
  t.test('a non-array batch', async () =>
    expectProblem(post(cloudEvent({ customerid: 'acme' }), { contentType: 'application/cloudevents-batch+json' }), 400, 'VR_VALIDATION', 'body'),
  );

  t.test('nothing is written for a rejected event', async () => {
    const event = cloudEvent({ component: 'nope', customerid: 'acme' });
    await post(event);
    const lookup = await stack.api('GET', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`);
    assert.equal(lookup.status, 404);
  });

  t.test('a batch with one bad event still accepts the others', async () => {
    const good = [cloudEvent({ customerid: 'acme' }), cloudEvent({ customerid: 'globex' })];
    const bad = { ...cloudEvent({ customerid: 'acme' }), id: undefined };
    const response = await stack.api<{ results: { status: string; id?: string; error?: Problem }[] }>('POST', '/v1/events?wait=true', [good[0], bad, good[1]], {
      contentType: 'application/cloudevents-batch+json',
    });
    assert.equal(response.status, 202);
    assert.deepEqual(
      response.body.results.map((r) => r.status),
      ['accepted', 'rejected', 'accepted'],
    );
    assert.equal(response.body.results[1]!.error!.code, 'VR_EVENT_INVALID');
    assert.equal(response.body.results[1]!.error!.field, 'id');
  });

  t.test('a Lambda FunctionError is recorded as failed, with the error', async () => {
    const event = cloudEvent({ customerid: 'acme', data: { fail: true } });
    const response = await stack.api<{ results: { dispatches: { status: string; error?: { code: string } }[] }[] }>('POST', '/v1/events?wait=true', event);
    assert.equal(response.body.results[0]!.dispatches[0]!.status, 'failed');
    const lookup = await stack.api<{ dispatches: { status: string; attempts: number; lastError: { code: string; message: string } }[] }>(
      'GET',
      `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`,
    );
    assert.equal(lookup.status, 200);
    const [dispatch] = lookup.body.dispatches;
    assert.equal(dispatch!.status, 'failed');
    assert.equal(dispatch!.attempts, 1);
    assert.match(dispatch!.lastError.code, /FunctionError|Error/);
    assert.match(dispatch!.lastError.message, /data\.fail is true/);
  });

  t.test('an unreachable or unknown function is failed, never success', async () => {
    await stack.api('PUT', '/v1/components/ghost', { subscriptions: ['ghost.*'] });
    await stack.api('PUT', '/v1/components/ghost/versions/v1', { target: { kind: 'lambda', functionName: 'no-such-function', qualifier: '1' } });
    await stack.api('PUT', '/v1/components/ghost/channels/stable', { version: 'v1' });
    const event = cloudEvent({ customerid: 'acme', type: 'ghost.appeared' });
    const response = await stack.api<{ results: { dispatches: { status: string; error?: { code: string } }[] }[] }>('POST', '/v1/events?wait=true', event);
    const [dispatch] = response.body.results[0]!.dispatches;
    assert.equal(dispatch!.status, 'failed');
    assert.equal(dispatch!.error!.code, 'ResourceNotFoundException');
  });

  t.test('a component without a stable version records the event as failed with the reason', async () => {
    await stack.api('PUT', '/v1/components/unreleased', { subscriptions: ['unreleased.*'] });
    const event = cloudEvent({ customerid: 'acme', type: 'unreleased.thing' });
    const response = await stack.api<{ results: { status: string; dispatches: { status: string; version: null; error?: { code: string } }[] }[] }>('POST', '/v1/events', event);
    assert.equal(response.status, 202);
    const [dispatch] = response.body.results[0]!.dispatches;
    assert.deepEqual([dispatch!.status, dispatch!.version, dispatch!.error!.code], ['failed', null, 'VR_NO_ROUTABLE_VERSION']);
  });

  t.test('admin input', async (t) => {
    t.test('requires a token', async () => expectProblem(stack.api('GET', '/v1/components', undefined, { token: null }), 401, 'VR_UNAUTHORIZED'));
    t.test('refuses a wrong token', async () => expectProblem(stack.api('GET', '/v1/components', undefined, { token: 'wrong-token-xxxxxxxxxxxx' }), 401, 'VR_UNAUTHORIZED'));
    t.test('refuses a bad component name', async () => expectProblem(stack.api('PUT', '/v1/components/Bad_Name', { subscriptions: [] }), 400, 'VR_VALIDATION', 'component'));
    t.test('refuses a pin to an unregistered version', async () =>
      expectProblem(stack.api('PUT', '/v1/pins/customer/acme/svc', { version: 'v99' }), 422, 'VR_PIN_VERSION_UNKNOWN', 'version'),
    );
    t.test('refuses a pin in an unknown scope', async () => expectProblem(stack.api('PUT', '/v1/pins/team/acme/svc', { channel: 'beta' }), 400, 'VR_VALIDATION', 'scope'));
    t.test('refuses a pin with both channel and version', async () =>
      expectProblem(stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', version: 'v1' }), 400, 'VR_VALIDATION'),
    );
    t.test('refuses an expiry in the past', async () =>
      expectProblem(stack.api('PUT', '/v1/pins/customer/acme/svc', { channel: 'beta', expiresAt: '2001-01-01T00:00:00Z' }), 400, 'VR_VALIDATION', 'expiresAt'),
    );
    t.test('refuses a $LATEST qualifier', async () =>
      expectProblem(
        stack.api('PUT', '/v1/components/svc/versions/v9', { target: { kind: 'lambda', functionName: 'svc', qualifier: '$LATEST' } }),
        400,
        'VR_VALIDATION',
        'target.qualifier',
      ),
    );
    t.test('refuses a channel pointing at an unregistered version', async () =>
      expectProblem(stack.api('PUT', '/v1/components/svc/channels/beta', { version: 'v42' }), 422, 'VR_VERSION_UNKNOWN', 'version'),
    );
    t.test('refuses to delete a version a channel uses', async () => expectProblem(stack.api('DELETE', '/v1/components/svc/versions/v1'), 409, 'VR_CONFLICT'));
    t.test('404 for an unknown component', async () => expectProblem(stack.api('GET', '/v1/components/nothing-here'), 404, 'VR_NOT_FOUND'));
    t.test('404 problem for an unknown route', async () => expectProblem(stack.api('GET', '/v1/nowhere'), 404, 'VR_NOT_FOUND'));
  });
});
