import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { truncateText, truncateUtf8 } from '../src/truncate.js';

describe('truncateUtf8', () => {
  it('keeps text within the limit whole', () => {
    assert.equal(truncateText('hello', 5), 'hello');
    assert.equal(truncateText('', 0), '');
  });

  it('never splits a multi-byte character', () => {
    // "€" is 3 bytes and "😀" 4: every cut inside one drops the whole character.
    const text = 'a€😀b';
    const expected = ['', 'a', 'a', 'a', 'a€', 'a€', 'a€', 'a€', 'a€😀', 'a€😀b'];
    for (const [max, want] of expected.entries()) assert.equal(truncateText(text, max), want, `max ${max}`);
  });

  it('decodes raw bytes', () => {
    assert.equal(truncateUtf8(new TextEncoder().encode('{"ok":true}'), 5), '{"ok"');
  });
});
