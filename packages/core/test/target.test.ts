import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTarget, ValidationError } from '../src/index.js';

function rejects(input: unknown, field: string) {
  assert.throws(
    () => parseTarget(input),
    (error: unknown) => error instanceof ValidationError && error.field === field,
  );
}

describe('parseTarget', () => {
  it('accepts a lambda target and defaults the invocation type', () => {
    assert.deepEqual(parseTarget({ kind: 'lambda', functionName: 'f', qualifier: '23' }), {
      kind: 'lambda',
      functionName: 'f',
      qualifier: '23',
      invocationType: 'RequestResponse',
    });
  });
  it('refuses $LATEST', () => rejects({ kind: 'lambda', functionName: 'f', qualifier: '$LATEST' }, 'target.qualifier'));
  it('refuses an unknown invocation type', () => rejects({ kind: 'lambda', functionName: 'f', qualifier: '1', invocationType: 'Later' }, 'target.invocationType'));
  it('accepts an ecs target with family:revision', () => {
    const target = parseTarget({ kind: 'ecs', cluster: 'c', taskDefinition: 'builder:7', containerName: 'app' });
    assert.equal(target.kind, 'ecs');
  });
  it('refuses a bare task family', () => rejects({ kind: 'ecs', cluster: 'c', taskDefinition: 'builder', containerName: 'app' }, 'target.taskDefinition'));
  it('accepts an http target', () => assert.equal(parseTarget({ kind: 'http', url: 'https://svc.example/hook' }).kind, 'http'));
  it('refuses a non-http url', () => rejects({ kind: 'http', url: 'ftp://x/y' }, 'target.url'));
  it('refuses credentials in the url', () => rejects({ kind: 'http', url: 'https://u:p@x/y' }, 'target.url'));
  it('refuses an unknown kind', () => rejects({ kind: 'sqs' }, 'target.kind'));
  it('refuses a non-object', () => rejects('lambda', 'target'));
});
