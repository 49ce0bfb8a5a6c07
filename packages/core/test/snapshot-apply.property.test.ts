import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import {
  applyChanges,
  CHANNELS,
  type ChannelName,
  type ConfigChange,
  type ConfigRecord,
  type ConfigRef,
  decideVersion,
  type Pin,
  type Resolution,
  ROLLOUT_STATES,
  type RoutingSnapshot,
  resolveVersion,
  SCOPES,
  SnapshotBuilder,
} from '../src/index.js';

// A store as a map of records; each step writes or deletes a few of them. Applying each step's changes to the
// snapshot of the step before must give the snapshot a full build of the records gives, field by field and answer by
// answer (or decline, when a component appears or disappears, and the full build then stands in).

const at = '2026-01-01T00:00:00.000Z';
const base = Date.parse('2026-06-01T00:00:00Z');
const components = ['svc', 'api', 'new'];
const subjects = ['a', 'b', 'c', 'd'];
const versionName = fc.constantFrom('v1', 'v2', 'v3');
const component = fc.constantFrom(...components);

const refOf = (record: ConfigRecord): ConfigRef => {
  const { kind, value } = record;
  if (kind === 'component') return { kind, name: value.name };
  if (kind === 'version') return { kind, component: value.component, version: value.name };
  if (kind === 'channel') return { kind, component: value.component, channel: value.channel };
  if (kind === 'pin') return { kind, scope: value.scope, subject: value.subject, component: value.component };
  if (kind === 'customer' || kind === 'project') return { kind, id: value.id };
  if (kind === 'token') return { kind, name: value.name };
  if (kind === 'served') return { kind, component: value.component, version: value.version };
  if (kind === 'rollout') return { kind, component: value.component };
  return { kind: 'signingKeys' };
};
const keyOf = (ref: ConfigRef): string => JSON.stringify(ref);

const pin = fc
  .record({
    scope: fc.constantFrom(...SCOPES),
    subject: fc.constantFrom(...subjects),
    component,
    to: fc.oneof(
      fc.constantFrom<ChannelName>(...CHANNELS).map((channel) => ({ channel })),
      versionName.map((version) => ({ version })),
    ),
    expiresAt: fc.option(
      fc.integer({ min: -5000, max: 5000 }).map((ms) => new Date(base + ms).toISOString()),
      { nil: undefined },
    ),
    etag: fc.constantFrom('e1', 'e2'),
  })
  .map(({ to, expiresAt, ...rest }) => ({ ...rest, ...to, ...(expiresAt ? { expiresAt } : {}), createdAt: at }) as Pin);

const rollout = fc.record({ component, version: versionName, state: fc.constantFrom(...ROLLOUT_STATES), percent: fc.constantFrom(5, 50, 100) }).map(
  ({ percent, ...r }): ConfigRecord => ({
    kind: 'rollout',
    value: {
      ...r,
      baseline: 'v1',
      steps: [{ percent, bakeSeconds: 60 }],
      gate: { abortOnFirstError: true, confidence: 0.95, minDispatches: 100 },
      dryRun: false,
      step: 0,
      stepStartedAt: at,
      startedAt: at,
      updatedAt: at,
      startedBy: 'test',
      decisions: [],
      seq: 1,
    },
  }),
);

const record: fc.Arbitrary<ConfigRecord> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .record({ name: component, chain: fc.constantFrom('keep', 'resolve', undefined) })
      .map(({ name, chain }): ConfigRecord => ({ kind: 'component', value: { name, subscriptions: ['*'], ...(chain ? { chain } : {}), createdAt: at, updatedAt: at } })),
  },
  {
    weight: 3,
    arbitrary: fc.record({ component, name: versionName, fn: fc.constantFrom('f', 'g') }).map(
      ({ component, name, fn }): ConfigRecord => ({
        kind: 'version',
        value: { component, name, registeredAt: at, target: { kind: 'lambda', functionName: fn, qualifier: name, invocationType: 'Event' } },
      }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ component, channel: fc.constantFrom<ChannelName>(...CHANNELS), version: fc.constantFrom('v1', 'v2', 'v3', '') })
      .map((value): ConfigRecord => ({ kind: 'channel', value: { ...value, updatedAt: at } })),
  },
  { weight: 8, arbitrary: pin.map((value): ConfigRecord => ({ kind: 'pin', value })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ id: fc.constantFrom(...subjects), plan: fc.constantFrom('pro', 'free', undefined) })
      .map(({ id, plan }): ConfigRecord => ({ kind: 'customer', value: { id, ...(plan ? { plan } : {}) } })),
  },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...subjects), customer: fc.constantFrom(...subjects) }).map((value): ConfigRecord => ({ kind: 'project', value })) },
  {
    weight: 1,
    arbitrary: fc.record({ name: fc.constantFrom('t1', 't2'), hash: fc.constantFrom('h1', 'h2', 'h3') }).map(
      ({ name, hash }): ConfigRecord => ({
        kind: 'token',
        value: { name, hash: `${name}-${hash}`, scopes: ['read'], createdAt: at, createdBy: 'test' },
      }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ component, version: versionName }).map((value): ConfigRecord => ({ kind: 'served', value })) },
  { weight: 1, arbitrary: fc.constantFrom('k1', 'k2').map((id): ConfigRecord => ({ kind: 'signingKeys', value: { current: { id, secret: `s-${id}`, createdAt: at } } })) },
  { weight: 2, arbitrary: rollout },
);

/** A write (the record as it is now) or a delete (of what a record would be keyed as). */
const write = fc.record({ record, remove: fc.boolean() });
const initial = fc.array(record, { maxLength: 30 });
const steps = fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

function full(store: Map<string, ConfigRecord>, revision: number): RoutingSnapshot {
  const builder = new SnapshotBuilder();
  for (const r of store.values()) builder.add(r);
  return builder.build(revision);
}

const sorted = <T>(entries: Iterable<[string, T]>): [string, T][] => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Everything a snapshot holds, as plain data in a stable order. */
function contents(s: RoutingSnapshot) {
  return {
    revision: s.revision,
    components: sorted(s.components).map(([name, r]) => [
      name,
      { component: r.component, versions: sorted(r.versions), channels: sorted(Object.entries(r.channels)), rollout: r.rollout },
    ]),
    pins: sorted(s.pins),
    pinCount: s.pins.size,
    customers: sorted(s.customers),
    projects: sorted(s.projects),
    tokens: sorted(s.tokensByHash),
    served: [...s.served].sort(),
    signingKeys: s.signingKeys,
    decisions: sorted(s.decisions).map(([name, d]) => [name, { versions: sorted(d.versions), chained: d.chained && sorted(d.chained), rollout: d.rollout, fallback: d.fallback }]),
  };
}

const essentials = (r: Resolution) =>
  r.resolved
    ? { component: r.component, version: r.version, channel: r.channel, source: r.source, pin: r.pin, rollout: r.rollout, target: r.target }
    : { component: r.component, reason: r.reason };

/** What each path answers for every component, subject and a few instants around the pins' expiries. */
function answers(s: RoutingSnapshot) {
  const out: unknown[] = [];
  for (const name of [...components, 'unknown']) {
    for (const subject of subjects) {
      for (const ms of [-6000, 0, 6000]) {
        const context = { project: subject, customer: subjects[(subjects.indexOf(subject) + 1) % subjects.length]!, plan: 'pro' };
        const now = base + ms;
        const fast = resolveVersion(s, name, context, now);
        const explained = resolveVersion(s, name, context, now, { explain: true });
        assert.deepEqual(essentials(fast), essentials(explained), 'fast and explaining paths agree');
        const chained = decideVersion(s, name, context, now, { chain: { root: { source: '/s', id: 'r' }, depth: 1, customer: subject, versions: { [name]: 'v2' } } });
        out.push(essentials(fast), essentials(chained));
      }
    }
  }
  return out;
}

t.test('applying changes gives the snapshot a full build gives', async () => {
  let applied = 0;
  let declined = 0;
  fc.assert(
    fc.property(initial, steps, (records, batches) => {
      const store = new Map(records.map((r) => [keyOf(refOf(r)), r]));
      let revision = 1;
      let snapshot = full(store, revision);
      // Decide some pins first, so a stale decision would show.
      answers(snapshot);
      for (const batch of batches) {
        const changes: ConfigChange[] = [];
        for (const { record: r, remove } of batch) {
          const ref = refOf(r);
          if (remove) store.delete(keyOf(ref));
          else store.set(keyOf(ref), r);
        }
        for (const { record: r } of batch) {
          const now = store.get(keyOf(refOf(r)));
          changes.push(now ? { ref: refOf(r), record: now } : { ref: refOf(r) });
        }
        revision += 1;
        const expected = full(store, revision);
        const next = applyChanges(snapshot, { revision, changes });
        if (next === undefined) {
          declined += 1;
          assert.ok(
            batch.some(({ record: r }) => r.kind === 'component'),
            'only a component appearing or disappearing is declined',
          );
          snapshot = expected;
          continue;
        }
        applied += 1;
        assert.deepEqual(contents(next), contents(expected));
        assert.deepEqual(answers(next), answers(expected));
        snapshot = next;
      }
    }),
    { numRuns: 300 },
  );
  assert.ok(applied > declined, `most steps apply incrementally (${applied} applied, ${declined} declined)`);
});

const versionOf = (r: Resolution): string | undefined => (r.resolved ? r.version : undefined);

t.test('a snapshot that changes were applied to keeps answering as before for components they did not touch', async () => {
  const builder = new SnapshotBuilder();
  builder.add({ kind: 'component', value: { name: 'svc', subscriptions: ['*'], createdAt: at, updatedAt: at } });
  builder.add({ kind: 'version', value: { component: 'svc', name: 'v1', registeredAt: at, target: { kind: 'http', url: 'https://a.example' } } });
  builder.add({ kind: 'version', value: { component: 'svc', name: 'v2', registeredAt: at, target: { kind: 'http', url: 'https://b.example' } } });
  builder.add({ kind: 'channel', value: { component: 'svc', channel: 'stable', version: 'v1', updatedAt: at } });
  const before = builder.build(1);
  const after = applyChanges(before, {
    revision: 2,
    changes: [
      { ref: { kind: 'channel', component: 'svc', channel: 'stable' }, record: { kind: 'channel', value: { component: 'svc', channel: 'stable', version: 'v2', updatedAt: at } } },
    ],
  });
  assert.ok(after);
  assert.equal(after.revision, 2);
  assert.equal(versionOf(resolveVersion(after, 'svc', {}, base)), 'v2');
  // The routing of the changed component was copied, not changed in place.
  assert.equal(before.components.get('svc')?.channels.stable, 'v1');
  assert.equal(versionOf(resolveVersion(before, 'svc', {}, base)), 'v1');
});
