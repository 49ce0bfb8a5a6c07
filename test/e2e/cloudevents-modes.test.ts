import assert from 'node:assert/strict';
import t from 'tap';
import { CloudEvent, emitterFor, httpTransport, Mode } from 'cloudevents';
import { seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

type Answer = { results: { status: string; dispatches: { version: string; status: string }[] }[] };

t.test('CloudEvents as the SDK HTTP emitters send them', async (t) => {
  let stack: Stack;
  let counter = 0;
  const nextId = () => `sdk-${process.pid}-${++counter}`;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  /** Emits through the cloudevents SDK's own HTTP transport, as a producer would, and waits for the dispatch. */
  async function emit(mode: Mode, attributes: ConstructorParameters<typeof CloudEvent>[0]): Promise<{ status: number; answer: Answer }> {
    const emitter = emitterFor(httpTransport(`${stack.url}/v1/events?wait=true`), { mode });
    const response = (await emitter(new CloudEvent(attributes), { headers: { authorization: `Bearer ${TOKEN}` } })) as { body: string; headers: Record<string, string> };
    const statusLine = response.headers[':status'];
    const answer = JSON.parse(response.body) as Answer;
    return { status: Number(statusLine ?? 202), answer };
  }

  const invocationOf = (id: string) => stack.lambda.invocations.find((i) => (i.payload as { id?: string }).id === id)?.payload as Record<string, unknown> | undefined;

  t.test('routes a binary-mode event (the SDK default): ce-* headers are the attributes, the JSON body is data', async () => {
    const id = nextId();
    const { answer } = await emit(Mode.BINARY, { id, source: '/sdk', type: 'build.finished', customerid: 'acme', data: { build: 42 } });
    assert.equal(answer.results[0]?.status, 'accepted');
    assert.equal(answer.results[0]?.dispatches[0]?.status, 'succeeded');
    const payload = invocationOf(id);
    assert.ok(payload, 'the target was invoked');
    assert.deepEqual(payload.data, { build: 42 });
    assert.equal(payload.customerid, 'acme');
    assert.equal(payload.specversion, '1.0');
    assert.equal(typeof payload.time, 'string', 'the time the SDK stamped arrives as sent');
  });

  t.test('keeps text data as text and other bytes as data_base64', async () => {
    const textId = nextId();
    await emit(Mode.BINARY, { id: textId, source: '/sdk', type: 'build.finished', customerid: 'acme', datacontenttype: 'text/plain', data: 'hello' });
    assert.equal(invocationOf(textId)?.data, 'hello');

    const bytesId = nextId();
    const response = await fetch(`${stack.url}/v1/events?wait=true`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/octet-stream',
        'ce-specversion': '1.0',
        'ce-id': bytesId,
        'ce-source': '/sdk',
        'ce-type': 'build.finished',
        'ce-customerid': 'acme',
      },
      body: new Uint8Array([0, 1, 2, 255]),
    });
    assert.equal(response.status, 202);
    assert.equal(invocationOf(bytesId)?.data_base64, Buffer.from([0, 1, 2, 255]).toString('base64'));
    assert.equal(invocationOf(bytesId)?.time, undefined, 'no time is invented for an event sent without ce-time');
  });

  t.test('routes a structured-mode event from the SDK', async () => {
    const id = nextId();
    const { answer } = await emit(Mode.STRUCTURED, { id, source: '/sdk', type: 'build.finished', customerid: 'acme', data: { ok: true } });
    assert.equal(answer.results[0]?.dispatches[0]?.status, 'succeeded');
    assert.deepEqual(invocationOf(id)?.data, { ok: true });
  });

  t.test('answers a binary-mode event without ce-id with the same problem as a structured one', async () => {
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-source': '/sdk',
        'ce-type': 'build.finished',
        'ce-customerid': 'acme',
      },
      body: '{}',
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    const problem = (await response.json()) as { code: string; field?: string };
    assert.equal(problem.code, 'VR_EVENT_INVALID');
  });

  t.test('refuses a body in another media type that carries no ce-* headers with 415', async () => {
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/xml' },
      body: '<event/>',
    });
    assert.equal(response.status, 415);
    assert.equal(((await response.json()) as { code: string }).code, 'VR_UNSUPPORTED_MEDIA_TYPE');
  });
});
