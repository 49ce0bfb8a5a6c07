import assert from 'node:assert/strict';
import t from 'tap';
import { chainContextOf, continueChain } from '../src/index.js';

const context = 'vrc1.abc-_.sig';
const next = { specversion: '1.0', id: 'f-1', source: '/t', type: 'release.step' };

t.test('continueChain copies the context of a delivery payload onto the next event', async () => {
  assert.deepEqual(continueChain({ vrouter: { context } }, next), { ...next, vroutercontext: context });
});

t.test('it reads the baggage member from a header string, a Headers, a plain header object, or a request with headers and body', async () => {
  const baggage = `other=1, vroutercontext=${encodeURIComponent(context)};prop=x`;
  assert.equal(chainContextOf(baggage), context);
  assert.equal(chainContextOf(new Headers({ baggage })), context);
  assert.equal(chainContextOf({ Baggage: baggage }), context);
  assert.equal(chainContextOf({ headers: { baggage }, body: '{"no":"context"}' }), context);
  assert.equal(chainContextOf({ headers: {}, body: JSON.stringify({ vrouter: { context } }) }), context);
});

t.test('without a context, next is returned unchanged', async () => {
  assert.equal(continueChain({ vrouter: {} }, next), next);
  assert.equal(continueChain('a=b', next), next);
  assert.equal(continueChain(undefined, next), next);
});
