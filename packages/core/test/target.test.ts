import assert from 'node:assert/strict';
import t from 'tap';
import { parseTarget, ValidationError } from '../src/index.js';

function rejects(input: unknown, field: string) {
  assert.throws(
    () => parseTarget(input),
    (error: unknown) => error instanceof ValidationError && error.field === field,
  );
}

t.test('parseTarget', async (t) => {
  t.test('accepts a lambda target and defaults the invocation type', async () => {
    assert.deepEqual(parseTarget({ kind: 'lambda', functionName: 'f', qualifier: '23' }), {
      kind: 'lambda',
      functionName: 'f',
      qualifier: '23',
      invocationType: 'RequestResponse',
    });
  });
  t.test('refuses $LATEST', async () => rejects({ kind: 'lambda', functionName: 'f', qualifier: '$LATEST' }, 'target.qualifier'));
  t.test('refuses an unknown invocation type', async () => rejects({ kind: 'lambda', functionName: 'f', qualifier: '1', invocationType: 'Later' }, 'target.invocationType'));
  t.test('accepts an ecs target with family:revision', async () => {
    const target = parseTarget({ kind: 'ecs', cluster: 'c', taskDefinition: 'builder:7', containerName: 'app' });
    assert.equal(target.kind, 'ecs');
  });
  t.test('refuses a bare task family', async () => rejects({ kind: 'ecs', cluster: 'c', taskDefinition: 'builder', containerName: 'app' }, 'target.taskDefinition'));
  t.test('accepts an http target', async () => assert.equal(parseTarget({ kind: 'http', url: 'https://svc.example/hook' }).kind, 'http'));
  t.test('refuses a non-http url', async () => rejects({ kind: 'http', url: 'ftp://x/y' }, 'target.url'));
  t.test('refuses credentials in the url', async () => rejects({ kind: 'http', url: 'https://u:p@x/y' }, 'target.url'));
  t.test('refuses an unknown kind', async () => rejects({ kind: 'sqs' }, 'target.kind'));
  t.test('refuses a non-object', async () => rejects('lambda', 'target'));
});
