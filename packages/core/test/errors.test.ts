import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, idempotencyKey, ValidationError, VrouterError } from '../src/index.js';

describe('errors', () => {
  it('every code is VR_-prefixed and described', () => {
    for (const [code, message] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^VR_[A-Z_]+$/);
      assert.ok(message.length > 10);
    }
  });

  it('carries code and field', () => {
    const error = new ValidationError('channel', 'bad');
    assert.ok(error instanceof VrouterError);
    assert.equal(error.code, 'VR_VALIDATION');
    assert.equal(error.field, 'channel');
  });
});

describe('idempotencyKey', () => {
  it('is stable, 64 hex characters, and separates its parts unambiguously', () => {
    const key = idempotencyKey('/ci', 'e-1', 'builder');
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(key, idempotencyKey('/ci', 'e-1', 'builder'));
    assert.notEqual(idempotencyKey('a', 'bc', 'x'), idempotencyKey('ab', 'c', 'x'));
    assert.notEqual(key, idempotencyKey('/ci', 'e-1', 'builder', 'replay-1'));
  });
});
