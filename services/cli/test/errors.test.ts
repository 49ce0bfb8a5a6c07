import assert from 'node:assert/strict';
import t from 'tap';
import { ApiError } from '@vrouter/client';
import { errorLine, UsageError } from '../src/commands/errors.js';
import { targetFromOptions } from '../src/commands/versions.js';

const apiError = (status: number, code = 'VR_X', field?: string) => new ApiError(status, { code, detail: `status ${status}`, ...(field ? { field } : {}) }, 'fallback');

t.test('errorLine', async (t) => {
  t.test('names the code and the field', async () => {
    assert.equal(errorLine(apiError(422, 'VR_PIN_VERSION_UNKNOWN', 'version')), 'vrouter: status 422 [VR_PIN_VERSION_UNKNOWN, field version]');
    assert.equal(errorLine(apiError(409, 'VR_CONFLICT')), 'vrouter: status 409 [VR_CONFLICT]');
    assert.equal(errorLine(new UsageError('Give exactly one of --channel or --version.')), 'vrouter: Give exactly one of --channel or --version.');
  });
});

t.test('targetFromOptions', async (t) => {
  t.test('builds a Lambda target, splitting at the last colon', async () => {
    assert.deepEqual(targetFromOptions({ lambda: 'svc:3' }), { kind: 'lambda', functionName: 'svc', qualifier: '3', invocationType: 'RequestResponse' });
    assert.deepEqual(targetFromOptions({ lambda: 'arn:aws:lambda:eu-west-1:123456789012:function:svc:live', async: true }), {
      kind: 'lambda',
      functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:svc',
      qualifier: 'live',
      invocationType: 'Event',
    });
  });

  t.test('builds HTTP and ECS targets', async () => {
    assert.deepEqual(targetFromOptions({ http: 'https://example.com/hook', timeoutMs: 500 }), { kind: 'http', url: 'https://example.com/hook', timeoutMs: 500 });
    assert.deepEqual(targetFromOptions({ ecsCluster: 'c', ecsTaskDefinition: 'fam:4', ecsContainer: 'app' }), {
      kind: 'ecs',
      cluster: 'c',
      taskDefinition: 'fam:4',
      containerName: 'app',
    });
  });

  const bad: [string, Parameters<typeof targetFromOptions>[0]][] = [
    ['no target', {}],
    ['two targets', { lambda: 'svc:1', http: 'https://example.com' }],
    ['a Lambda without qualifier', { lambda: 'svc' }],
    ['a Lambda with an empty qualifier', { lambda: 'svc:' }],
    ['--async without --lambda', { http: 'https://example.com', async: true }],
    ['--timeout-ms without --http', { lambda: 'svc:1', timeoutMs: 5 }],
    ['an incomplete ECS target', { ecsCluster: 'c', ecsContainer: 'app' }],
  ];
  for (const [what, options] of bad) t.test(`refuses ${what}`, async () => assert.throws(() => targetFromOptions(options), UsageError));
});
