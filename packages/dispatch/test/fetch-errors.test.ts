import assert from 'node:assert/strict';
import t from 'tap';
import { failureFromFetchError } from '../src/fetch-errors.js';

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

t.test('failureFromFetchError', async (t) => {
  t.test('names connection failures by errno, also inside an AggregateError, retryably', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' });
    assert.deepEqual(failureFromFetchError(fetchFailed(new AggregateError([refused])), 1000), {
      status: 'failed',
      error: { code: 'ECONNREFUSED', message: 'fetch failed: connect ECONNREFUSED ::1:9' },
      retryable: true,
    });
    assert.equal(failureFromFetchError(fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })), 1000).error?.code, 'ENOTFOUND');
  });

  t.test("reports undici's own timeouts as TIMEOUT", async () => {
    const outcome = failureFromFetchError(fetchFailed(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' })), 900_000);
    assert.deepEqual(outcome, { status: 'failed', error: { code: 'TIMEOUT', message: 'The target did not answer within 900000 ms.' }, retryable: true });
  });

  t.test('does not retry TLS failures, but other network failures', async () => {
    const expired = failureFromFetchError(fetchFailed(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' })), 1000);
    assert.equal(expired.error?.code, 'CERT_HAS_EXPIRED');
    assert.equal(expired.retryable, false);
    const closed = failureFromFetchError(fetchFailed(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })), 1000);
    assert.equal(closed.error?.code, 'UND_ERR_SOCKET');
    assert.equal(closed.retryable, true);
    const bare = failureFromFetchError(fetchFailed(new Error('something odd')), 1000);
    assert.deepEqual(bare, { status: 'failed', error: { code: 'NETWORK_ERROR', message: 'fetch failed: something odd' }, retryable: true });
  });
});
