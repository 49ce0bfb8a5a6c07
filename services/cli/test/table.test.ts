import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable } from '../src/commands/table.js';

describe('formatTable', () => {
  it('aligns each column to its widest cell, two spaces apart', () => {
    const table = formatTable(
      ['SCOPE', 'SUBJECT', 'TARGET'],
      [
        ['customer', 'acme', 'channel beta'],
        ['plan', 'enterprise-eu', 'version v24'],
      ],
    );
    assert.equal(table, ['SCOPE     SUBJECT        TARGET', 'customer  acme           channel beta', 'plan      enterprise-eu  version v24'].join('\n'));
  });

  it('leaves no trailing blanks, even when the last column is empty', () => {
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

  it('prints null, undefined and empty cells as -, and numbers and booleans as text', () => {
    assert.equal(formatTable(['N', 'B', 'U', 'Z'], [[3, true, undefined, null]]), 'N  B     U  Z\n3  true  -  -');
  });

  it('fills missing cells and ignores extra ones', () => {
    assert.equal(formatTable(['A', 'B'], [['a'], ['a', 'b', 'c']]), 'A  B\na  -\na  b');
  });

  it('replaces control characters so server data cannot break rows or move the cursor', () => {
    const table = formatTable(['REASON', 'X'], [['line1\nline2\u001b[2J', 'x']]);
    const lines = table.split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.doesNotMatch(line, /\p{Cc}/u);
  });

  it('prints just the header when there are no rows', () => {
    assert.equal(formatTable(['NAME', 'VALUE'], []), 'NAME  VALUE');
  });
});
