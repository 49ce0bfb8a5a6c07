import assert from 'node:assert/strict';
import t from 'tap';
import { failureFromError, isRetryableError } from '../src/sdk-errors.js';

function sdkError(name: string, status: number, fault: 'client' | 'server', extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status }, ...extra });
}

t.test('failureFromError', async (t) => {
  t.test('keeps the exception name as the code and classifies retries', async () => {
    assert.deepEqual(failureFromError(sdkError('ResourceNotFoundException', 404, 'client')), {
      status: 'failed',
      error: { code: 'ResourceNotFoundException', message: 'ResourceNotFoundException happened' },
      retryable: false,
    });
    assert.equal(isRetryableError(sdkError('InvalidParameterValueException', 400, 'client')), false);
    assert.equal(isRetryableError(sdkError('TooManyRequestsException', 429, 'client')), true);
    assert.equal(isRetryableError(sdkError('ServiceException', 500, 'server')), true);
    assert.equal(isRetryableError(sdkError('ResourceNotReadyException', 502, 'server')), true);
    assert.equal(isRetryableError(sdkError('Whatever', 409, 'client', { $retryable: {} })), true);
    assert.equal(isRetryableError(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })), true);
  });

  t.test('names bare network errors by their errno code, also inside an AggregateError', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    assert.deepEqual(failureFromError(refused), {
      status: 'failed',
      error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
      retryable: true,
    });
    const both = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' }), refused]);
    const outcome = failureFromError(both);
    assert.equal(outcome.error?.code, 'ECONNREFUSED');
    assert.equal(outcome.error?.message, 'connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(outcome.retryable, true);
  });

  t.test('copes with things that are not errors', async () => {
    assert.deepEqual(failureFromError('boom'), { status: 'failed', error: { code: 'Error', message: 'boom' }, retryable: false });
    assert.deepEqual(failureFromError(undefined), { status: 'failed', error: { code: 'Error', message: 'Error' }, retryable: false });
  });
});
