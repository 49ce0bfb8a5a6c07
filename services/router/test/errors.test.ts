import assert from 'node:assert/strict';
import t from 'tap';
import { ERROR_CODES, VrouterError } from '@vrouter/core';
import { problemFor, STATUS_BY_CODE } from '../src/index.js';

t.test('error catalogue', async (t) => {
  t.test('maps every code to a 4xx or 5xx status, and nothing else', async () => {
    assert.deepEqual(Object.keys(STATUS_BY_CODE).sort(), Object.keys(ERROR_CODES).sort());
    for (const status of Object.values(STATUS_BY_CODE)) assert.ok(status >= 400 && status < 600);
  });

  t.test('documents every code in the README-linked catalogue', async () => {
    for (const [code, title] of Object.entries(ERROR_CODES)) assert.ok(title.endsWith('.'), `${code} has a sentence`);
  });

  t.test('renders an RFC 9457 problem with code and field', async () => {
    const problem = problemFor(new VrouterError('VR_PIN_VERSION_UNKNOWN', 'Version v9 of svc is not registered.', { field: 'version' }), '/v1/pins/customer/acme/svc', 'req-1');
    assert.deepEqual(problem, {
      type: 'urn:vrouter:error:VR_PIN_VERSION_UNKNOWN',
      title: ERROR_CODES.VR_PIN_VERSION_UNKNOWN,
      status: 422,
      detail: 'Version v9 of svc is not registered.',
      code: 'VR_PIN_VERSION_UNKNOWN',
      field: 'version',
      instance: '/v1/pins/customer/acme/svc',
      requestId: 'req-1',
    });
  });
});
