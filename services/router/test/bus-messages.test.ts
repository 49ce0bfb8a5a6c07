import assert from 'node:assert/strict';
import t from 'tap';
import { type ErrorCode, VrouterError } from '@vrouter/core';
import { decodeBody, type MessageOutcome, processMessage } from '../src/bus/messages.js';
import type { IngestResult } from '@vrouter/engine';

/** An ingest that answers one scripted result (or throws), recording what it was given. */
function scripted(answer: IngestResult['status'] | ErrorCode | Error) {
  const calls: { inputs: unknown[]; options: { traceparent?: string; bodyBytes?: number; context?: { context: string; field: string } } }[] = [];
  let released = false;
  return {
    calls,
    get released() {
      return released;
    },
    async ingest(inputs: unknown[], options: { traceparent?: string; bodyBytes?: number; context?: { context: string; field: string } } = {}) {
      calls.push({ inputs, options });
      if (answer instanceof Error) throw answer;
      const result: IngestResult =
        answer === 'accepted' || answer === 'duplicate' || answer === 'rejected'
          ? { status: answer, dispatches: [] }
          : { status: 'rejected', dispatches: [], error: new VrouterError(answer, `scripted ${answer}`) };
      const settled = new Promise<void>((resolve) => setTimeout(resolve, 10)).then(() => {
        released = true;
        return [result];
      });
      return { results: [result], settled };
    },
  };
}

const cloudEvent = JSON.stringify({ specversion: '1.0', id: 'm-1', source: '/unit', type: 'build.finished', customerid: 'acme' });
const kind = (outcome: MessageOutcome) => (outcome.kind === 'done' ? `done:${outcome.status}` : `${outcome.kind}:${outcome.code}`);

t.test('bus message outcomes', async (t) => {
  t.test('accepted and duplicate are done; settled is the ingest one', async () => {
    for (const status of ['accepted', 'duplicate'] as const) {
      const router = scripted(status);
      const { outcome } = await processMessage(router, cloudEvent);
      assert.equal(kind(outcome), `done:${status}`);
      assert.equal((await outcome.settled)?.status, status);
      assert.equal(router.released, true);
    }
  });

  t.test('store unavailable, rate limited and unexpected errors are retries', async () => {
    assert.equal(kind((await processMessage(scripted('VR_STORE_UNAVAILABLE'), cloudEvent)).outcome), 'retry:VR_STORE_UNAVAILABLE');
    assert.equal(kind((await processMessage(scripted('VR_RATE_LIMITED'), cloudEvent)).outcome), 'retry:VR_RATE_LIMITED');
    assert.equal(kind((await processMessage(scripted(new Error('socket hang up')), cloudEvent)).outcome), 'retry:VR_INTERNAL');
  });

  t.test('validation rejections are poison', async () => {
    for (const code of ['VR_EVENT_INVALID', 'VR_CUSTOMER_REQUIRED', 'VR_COMPONENT_UNKNOWN', 'VR_PAYLOAD_TOO_LARGE'] as const) {
      assert.equal(kind((await processMessage(scripted(code), cloudEvent)).outcome), `poison:${code}`);
    }
  });

  t.test('bodies that are not events are poison without reaching ingest', async () => {
    const router = scripted('accepted');
    const outcomes = await Promise.all(['nope', '[1,2]', '"text"', '{"id":"x"}', 'x'.repeat(300)].map((body) => processMessage(router, body, { maxBytes: 200 })));
    assert.deepEqual(
      outcomes.map(({ outcome }) => kind(outcome)),
      ['poison:VR_BODY_MALFORMED', 'poison:VR_EVENT_INVALID', 'poison:VR_EVENT_INVALID', 'poison:VR_EVENT_INVALID', 'poison:VR_BODY_TOO_LARGE'],
    );
    assert.equal(router.calls.length, 0);
  });

  t.test('counts the size limit in UTF-8 bytes', async () => {
    const body = JSON.stringify({ specversion: '1.0', data: 'é'.repeat(60) });
    assert.ok(body.length <= 150 && Buffer.byteLength(body) > 150);
    assert.equal((decodeBody(body, { maxBytes: 150 }) as MessageOutcome).kind, 'poison');
  });

  t.test('hands ingest the chain context of the message attribute, naming where it came from', async () => {
    const router = scripted('accepted');
    await processMessage(router, JSON.stringify({ specversion: '1.0', id: 'c-1', source: '/s', type: 't', customerid: 'acme' }), { context: 'vrc1.a.b' });
    assert.deepEqual(router.calls[0]?.options.context, { context: 'vrc1.a.b', field: 'messageAttributes.vroutercontext' });
  });

  t.test('hands ingest the mapped EventBridge event, the body size and the traceparent', async () => {
    const router = scripted('accepted');
    const envelope = JSON.stringify({
      version: '0',
      id: 'eb-1',
      'detail-type': 'build.finished',
      source: 'com.example',
      time: '2024-01-01T00:00:00Z',
      detail: { customerId: 'acme' },
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const { decoded } = await processMessage(router, envelope, { traceparent });
    assert.equal(decoded?.eventBridge, true);
    const [call] = router.calls;
    assert.deepEqual(call?.options, { traceparent, bodyBytes: Buffer.byteLength(envelope) });
    assert.deepEqual(call?.inputs, [
      {
        specversion: '1.0',
        id: 'eb-1',
        source: 'com.example',
        type: 'build.finished',
        time: '2024-01-01T00:00:00Z',
        datacontenttype: 'application/json',
        data: { customerId: 'acme' },
        customerid: 'acme',
      },
    ]);
  });

  t.test('an EventBridge envelope without an id is poison', async () => {
    const { outcome } = await processMessage(scripted('accepted'), JSON.stringify({ 'detail-type': 'x', source: 's' }));
    assert.equal(kind(outcome), 'poison:VR_EVENT_INVALID');
  });
});
