import assert from 'node:assert/strict';
import t from 'tap';
import { truncateText, truncateUtf8 } from '../src/truncate.js';

t.test('truncateUtf8', async (t) => {
  t.test('keeps text within the limit whole', async () => {
    assert.equal(truncateText('hello', 5), 'hello');
    assert.equal(truncateText('', 0), '');
  });

  t.test('never splits a multi-byte character', async () => {
    // "€" is 3 bytes and "😀" 4: every cut inside one drops the whole character.
    const text = 'a€😀b';
    const expected = ['', 'a', 'a', 'a', 'a€', 'a€', 'a€', 'a€', 'a€😀', 'a€😀b'];
    for (const [max, want] of expected.entries()) assert.equal(truncateText(text, max), want, `max ${max}`);
  });

  t.test('decodes raw bytes', async () => {
    assert.equal(truncateUtf8(new TextEncoder().encode('{"ok":true}'), 5), '{"ok"');
  });
});
