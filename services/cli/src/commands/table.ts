export type Cell = string | number | boolean | null | undefined;

/** Control characters (escape sequences, newlines) from server data must not move the cursor or break a row. */
const CONTROL = /\p{Cc}/gu;

function text(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  return String(cell).replace(CONTROL, ' ');
}

/**
 * Formats rows under a header as plain-text columns: each column as wide as its widest cell, two spaces
 * between columns, no trailing blanks. Empty, null and undefined cells print as `-`. Returns no final newline.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(text), ...rows.map((row) => header.map((_, i) => text(row[i])))];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return lines
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
