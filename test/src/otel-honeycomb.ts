import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type DefinitionParams, loadBoard as loadBoardDefinition, loadQueries as loadQueryDefinitions } from '../../honeycomb/definitions.mjs';

/**
 * Just enough of Honeycomb to check the shipped queries (honeycomb/queries/*.json) against the spans the router
 * really emits: a span becomes the row Honeycomb makes of it (its attributes and resource attributes as columns,
 * plus name, duration_ms, error, trace.*), and a query specification is evaluated on those rows: calculated fields
 * (a subset of the expression language), filters, breakdowns and calculations. Anything it does not know throws,
 * so a query using it fails the test rather than passing unchecked.
 */

export type Row = Record<string, unknown>;

const SPAN_KINDS: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

/** The columns Honeycomb's OTLP ingest makes of a span. */
export function spanRow(span: ReadableSpan): Row {
  const [seconds, nanos] = span.duration;
  const row: Row = {
    ...span.resource.attributes,
    ...span.attributes,
    name: span.name,
    duration_ms: seconds * 1000 + nanos / 1e6,
    'trace.trace_id': span.spanContext().traceId,
    'trace.span_id': span.spanContext().spanId,
    'span.kind': SPAN_KINDS[span.kind],
    'library.name': span.instrumentationScope.name,
    status_code: span.status.code,
  };
  if (span.parentSpanContext) row['trace.parent_id'] = span.parentSpanContext.spanId;
  if (span.status.code === SpanStatusCode.ERROR) row.error = true;
  if (span.status.message) row.status_message = span.status.message;
  return row;
}

export interface Filter {
  column: string;
  op: string;
  value?: unknown;
}

export interface Calculation {
  op: string;
  column?: string;
}

export interface QuerySpec {
  calculated_fields?: { name: string; expression: string }[];
  filters?: Filter[];
  filter_combination?: 'AND' | 'OR';
  breakdowns?: string[];
  calculations?: Calculation[];
  orders?: { op?: string; column?: string; order?: string }[];
  havings?: { calculate_op: string; column?: string; op: string; value: number }[];
  time_range?: number;
  granularity?: number;
  limit?: number;
}

export type { DefinitionParams };

export interface Board {
  name: string;
  description: string;
  panels: { type: string; query_panel?: { query_id: string; query_annotation_id: string } }[];
}

/** The shipped queries, rendered for a component and dataset exactly as honeycomb/publish.mjs publishes them. */
export async function loadQueries(params: DefinitionParams): Promise<Map<string, QuerySpec>> {
  return (await loadQueryDefinitions(params)) as Map<string, QuerySpec>;
}

/** The shipped board, rendered as honeycomb/publish.mjs publishes it. */
export async function loadBoard(params: DefinitionParams): Promise<Board> {
  return (await loadBoardDefinition(params)) as Board;
}

// --- Calculated fields ------------------------------------------------------------------------------------------

type Expr = { kind: 'field'; name: string } | { kind: 'literal'; value: unknown } | { kind: 'call'; fn: string; args: Expr[] };

/** Parses a calculated-field expression: FUNCTION(args), $column, $"quoted column", strings, numbers, true/false/null. */
export function parseExpression(source: string): Expr {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`calculated field ${JSON.stringify(source)}: ${what} at ${at}`);
  };
  const space = () => {
    while (at < source.length && /\s/.test(source[at]!)) at += 1;
  };
  /** Consumes `pattern` at the cursor; returns its match. */
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const match = pattern.exec(source.slice(at));
    if (match) at += match[0].length;
    return match;
  };
  const expr = (): Expr => {
    space();
    const quoted = take(/^\$"([^"]*)"/);
    if (quoted) return { kind: 'field', name: quoted[1]! };
    const field = take(/^\$([A-Za-z0-9_.\-:/]+)/);
    if (field) return { kind: 'field', name: field[1]! };
    const text = take(/^"((?:[^"\\]|\\.)*)"/);
    if (text) return { kind: 'literal', value: JSON.parse(text[0]) };
    const number = take(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/);
    if (number) return { kind: 'literal', value: Number(number[0]) };
    const constant = take(/^(true|false|null)\b/);
    if (constant) return { kind: 'literal', value: JSON.parse(constant[0]) };
    const call = take(/^([A-Z_]+)\s*\(/);
    if (!call) return fail('unexpected input');
    const args: Expr[] = [];
    space();
    if (take(/^\)/)) return { kind: 'call', fn: call[1]!, args };
    for (;;) {
      args.push(expr());
      space();
      if (take(/^\)/)) return { kind: 'call', fn: call[1]!, args };
      if (!take(/^,/)) fail('expected , or )');
    }
  };
  const parsed = expr();
  space();
  if (at !== source.length) fail('trailing input');
  return parsed;
}

/** The columns an expression reads. */
export function expressionColumns(expr: Expr): string[] {
  if (expr.kind === 'field') return [expr.name];
  if (expr.kind === 'call') return expr.args.flatMap(expressionColumns);
  return [];
}

const truthy = (value: unknown) => value !== undefined && value !== null && value !== false && value !== 0 && value !== '';

function evaluate(expr: Expr, row: Row): unknown {
  if (expr.kind === 'literal') return expr.value;
  if (expr.kind === 'field') return row[expr.name] ?? null;
  const args = expr.args.map((arg) => () => evaluate(arg, row));
  const compare = (test: (a: number, b: number) => boolean) => {
    const [a, b] = [args[0]?.(), args[1]?.()];
    return typeof a === 'number' && typeof b === 'number' && test(a, b);
  };
  switch (expr.fn) {
    case 'IF':
      return truthy(args[0]?.()) ? args[1]?.() : (args[2]?.() ?? null);
    case 'EQUALS':
      return args[0]?.() === args[1]?.();
    case 'NOT':
      return !truthy(args[0]?.());
    case 'AND':
      return args.every((arg) => truthy(arg()));
    case 'OR':
      return args.some((arg) => truthy(arg()));
    case 'EXISTS':
      return args[0]?.() !== null;
    case 'COALESCE':
      return args.map((arg) => arg()).find((value) => value !== null) ?? null;
    case 'LT':
      return compare((a, b) => a < b);
    case 'LTE':
      return compare((a, b) => a <= b);
    case 'GT':
      return compare((a, b) => a > b);
    case 'GTE':
      return compare((a, b) => a >= b);
    default:
      throw new Error(`calculated field function ${expr.fn} is not supported by this checker`);
  }
}

// --- Queries ----------------------------------------------------------------------------------------------------

export interface ColumnUse {
  column: string;
  /** Where the query names it, e.g. `filters`, `breakdowns`, `calculations`, `calculated_fields.dispatch_failed`. */
  where: string;
}

/** Every column a query reads from the data (calculated fields resolved to the columns their expressions read). */
export function queryColumns(spec: QuerySpec): ColumnUse[] {
  const calculated = new Set((spec.calculated_fields ?? []).map((f) => f.name));
  const uses: ColumnUse[] = [];
  const use = (column: string | undefined, where: string) => {
    if (column !== undefined && !calculated.has(column)) uses.push({ column, where });
  };
  for (const field of spec.calculated_fields ?? []) for (const column of expressionColumns(parseExpression(field.expression))) use(column, `calculated_fields.${field.name}`);
  for (const filter of spec.filters ?? []) use(filter.column, 'filters');
  for (const column of spec.breakdowns ?? []) use(column, 'breakdowns');
  for (const calculation of spec.calculations ?? []) use(calculation.column, 'calculations');
  for (const order of spec.orders ?? []) use(order.column, 'orders');
  for (const having of spec.havings ?? []) use(having.column, 'havings');
  return uses;
}

function matches(filter: Filter, row: Row): boolean {
  const value = row[filter.column];
  const wanted = filter.value;
  const present = value !== undefined && value !== null;
  switch (filter.op) {
    case '=':
      return value === wanted;
    case '!=':
      return value !== wanted;
    case '>':
      return typeof value === 'number' && value > Number(wanted);
    case '>=':
      return typeof value === 'number' && value >= Number(wanted);
    case '<':
      return typeof value === 'number' && value < Number(wanted);
    case '<=':
      return typeof value === 'number' && value <= Number(wanted);
    case 'exists':
      return present;
    case 'does-not-exist':
      return !present;
    case 'in':
      return Array.isArray(wanted) && wanted.includes(value);
    case 'not-in':
      return Array.isArray(wanted) && !wanted.includes(value);
    case 'starts-with':
      return typeof value === 'string' && value.startsWith(String(wanted));
    case 'does-not-start-with':
      return !(typeof value === 'string' && value.startsWith(String(wanted)));
    case 'contains':
      return typeof value === 'string' && value.includes(String(wanted));
    case 'does-not-contain':
      return !(typeof value === 'string' && value.includes(String(wanted)));
    default:
      throw new Error(`filter op ${filter.op} is not supported by this checker`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The name of a calculation's result, e.g. `AVG(dispatch_failed)` or `COUNT`. */
export function calculationName(calculation: Calculation): string {
  return calculation.column === undefined ? calculation.op : `${calculation.op}(${calculation.column})`;
}

function calculate(calculation: Calculation, rows: Row[]): number {
  if (calculation.op === 'COUNT') return rows.length;
  const values = rows.map((row) => row[calculation.column ?? '']).filter((v) => v !== undefined && v !== null);
  const numbers = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const percentileOp = /^P(\d{2,3})$/.exec(calculation.op);
  if (percentileOp) {
    // P50 is the 50th percentile; three digits are tenths: P999 is the 99.9th, P001 the 0.1th.
    const digits = percentileOp[1]!;
    return percentile(numbers, digits.length === 3 ? Number(digits) / 10 : Number(digits));
  }
  switch (calculation.op) {
    case 'SUM':
      return numbers.reduce((a, b) => a + b, 0);
    case 'AVG':
      return numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'MIN':
      return numbers[0] ?? Number.NaN;
    case 'MAX':
      return numbers.at(-1) ?? Number.NaN;
    case 'COUNT_DISTINCT':
      return new Set(values).size;
    // A heatmap is the distribution itself; the checker reports how many values it has.
    case 'HEATMAP':
      return numbers.length;
    default:
      throw new Error(`calculation op ${calculation.op} is not supported by this checker`);
  }
}

export interface QueryGroup {
  /** The breakdown values of the group, by column (null when a row lacks the column). */
  key: Record<string, unknown>;
  rows: number;
  /** Each calculation's result by calculationName. */
  values: Record<string, number>;
}

/** Evaluates `spec` on `rows` (all of them: time_range and granularity are ignored). */
export function runQuery(spec: QuerySpec, rows: Row[]): QueryGroup[] {
  const fields = (spec.calculated_fields ?? []).map((field) => ({ name: field.name, expr: parseExpression(field.expression) }));
  const derived = rows.map((row) => {
    const out: Row = { ...row };
    for (const field of fields) out[field.name] = evaluate(field.expr, out);
    return out;
  });
  const filters = spec.filters ?? [];
  const kept = derived.filter((row) => (spec.filter_combination === 'OR' ? filters.some((f) => matches(f, row)) : filters.every((f) => matches(f, row))));
  const breakdowns = spec.breakdowns ?? [];
  const groups = new Map<string, Row[]>();
  for (const row of kept) {
    const key = JSON.stringify(breakdowns.map((column) => row[column] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const calculations = spec.calculations?.length ? spec.calculations : [{ op: 'COUNT' }];
  return [...groups].map(([key, groupRows]) => {
    const values = JSON.parse(key) as unknown[];
    return {
      key: Object.fromEntries(breakdowns.map((column, i) => [column, values[i]])),
      rows: groupRows.length,
      values: Object.fromEntries(calculations.map((calculation) => [calculationName(calculation), calculate(calculation, groupRows)])),
    };
  });
}
