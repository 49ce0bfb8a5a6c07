import assert from 'node:assert/strict';
import t from 'tap';
import { formatTable } from '../src/commands/table.js';

t.test('formatTable', async (t) => {
  t.test('aligns each column to its widest cell, two spaces apart', async () => {
    const table = formatTable(
      ['SCOPE', 'SUBJECT', 'TARGET'],
      [
        ['customer', 'acme', 'channel beta'],
        ['plan', 'enterprise-eu', 'version v24'],
      ],
    );
    assert.equal(table, ['SCOPE     SUBJECT        TARGET', 'customer  acme           channel beta', 'plan      enterprise-eu  version v24'].join('\n'));
  });

  t.test('leaves no trailing blanks, even when the last column is empty', async () => {
    const table = formatTable(
      ['A', 'B'],
      [
        ['long value', ''],
        ['x', 'y'],
      ],
    );
    for (const line of table.split('\n')) assert.equal(line, line.trimEnd());
    assert.equal(table, 'A           B\nlong value  -\nx           y');
  });

  t.test('prints null, undefined and empty cells as -, and numbers and booleans as text', async () => {
    assert.equal(formatTable(['N', 'B', 'U', 'Z'], [[3, true, undefined, null]]), 'N  B     U  Z\n3  true  -  -');
  });

  t.test('fills missing cells and ignores extra ones', async () => {
    assert.equal(formatTable(['A', 'B'], [['a'], ['a', 'b', 'c']]), 'A  B\na  -\na  b');
  });

  t.test('replaces control characters so server data cannot break rows or move the cursor', async () => {
    const table = formatTable(['REASON', 'X'], [['line1\nline2\u001b[2J', 'x']]);
    const lines = table.split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.doesNotMatch(line, /\p{Cc}/u);
  });

  t.test('prints just the header when there are no rows', async () => {
    assert.equal(formatTable(['NAME', 'VALUE'], []), 'NAME  VALUE');
  });
});
