import assert from 'node:assert/strict';
import t from 'tap';
import fc from 'fast-check';
import { inRolloutShare, ROLLOUT_BUCKETS, rolloutBucket } from '../src/index.js';

const customers = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);

t.test('rollout buckets over 10,000 customers', async (t) => {
  t.test('are sticky: the same customer and component always get the same bucket', async () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 64 }), (component, customer) => {
        const bucket = rolloutBucket(component, customer);
        assert.equal(rolloutBucket(component, customer), bucket);
        assert.ok(Number.isInteger(bucket) && bucket >= 0 && bucket < ROLLOUT_BUCKETS);
      }),
    );
  });

  t.test('are monotone: whoever is in at a lower percentage is in at every higher one', async () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('svc', 'release-coordinator', 'builder'), (a, b, component) => {
        const [low, high] = a <= b ? [a / 100, b / 100] : [b / 100, a / 100];
        for (const customer of customers) {
          const bucket = rolloutBucket(component, customer);
          if (inRolloutShare(low, bucket)) assert.ok(inRolloutShare(high, bucket), `${customer} in at ${low}% but not at ${high}%`);
        }
      }),
      { numRuns: 30 },
    );
  });

  t.test('give each percentage about its share of customers', async () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), fc.constantFrom('svc', 'release-coordinator', 'a'), (percent, component) => {
        const inShare = customers.filter((c) => inRolloutShare(percent, rolloutBucket(component, c))).length;
        const expected = (percent / 100) * customers.length;
        // Binomial sd is at most 50 for n = 10,000; five of them is far beyond chance.
        assert.ok(Math.abs(inShare - expected) < 250, `${percent}% of ${component}: ${inShare} customers, expected about ${expected}`);
      }),
      { numRuns: 30 },
    );
  });

  t.test('are independent across components: a customer early for one is not early for all', async () => {
    const early = customers.filter((c) => inRolloutShare(5, rolloutBucket('svc', c)));
    const alsoEarly = early.filter((c) => inRolloutShare(5, rolloutBucket('builder', c))).length;
    assert.ok(alsoEarly < early.length * 0.15, `${alsoEarly} of ${early.length}`);
  });

  t.test('0% takes nobody and 100% everybody', async () => {
    for (const customer of customers.slice(0, 500)) {
      const bucket = rolloutBucket('svc', customer);
      assert.equal(inRolloutShare(0, bucket), false);
      assert.equal(inRolloutShare(100, bucket), true);
    }
  });
});
