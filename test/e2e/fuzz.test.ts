import assert from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
}
interface OpenapiDocument {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}

/** Seeded and bounded: the same requests on every run, a few thousand of them, within a deadline. */
const SEED = 20_260_101;
const REQUESTS = 3000;
const DEADLINE_MS = 240_000;
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);
const COMPONENT_REF = '#/components/schemas/';

/** Values that mean something to the router (the seeded names) mixed with hostile ones. */
const interesting = fc.constantFrom(
  'svc',
  'v1',
  'v2',
  'stable',
  'beta',
  'acme',
  'customer',
  'project',
  'plan',
  '',
  '.',
  '..',
  '%',
  '%E0%A4%A',
  'é',
  '💥',
  '\u0000',
  'a'.repeat(300),
  '9999-12-31T23:59:59Z',
  '2000-01-01T00:00:00Z',
  '-1',
  '1e-131',
  'NaN',
  'null',
  '{"a":1}',
  '__proto__',
  'constructor',
);
const hostileString = fc.oneof(interesting, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

/** A value roughly of `schema` (valid more often than not), or anything at all. */
function arbitraryFor(doc: OpenapiDocument, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const wild = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
  if (!schema || depth > 4) return wild;
  if (schema.$ref) return arbitraryFor(doc, doc.components.schemas[schema.$ref.slice(COMPONENT_REF.length)], depth + 1);
  const typed = typedValueOf(doc, schema, depth);
  return fc.oneof({ arbitrary: typed, weight: 4 }, { arbitrary: wild, weight: 1 });
}

function typedValueOf(doc: OpenapiDocument, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) return fc.oneof(...choices.map((c) => arbitraryFor(doc, c, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) return arbitraryFor(doc, schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) {
        return fc.oneof(
          fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, schema.maxLength ?? 200)),
          interesting,
        );
      }
      return fc.oneof(interesting, fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 60) }));
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 }), fc.constantFrom(0, -1, 2 ** 53, 1.5));
    case 'number':
      return fc.oneof(fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }), fc.constantFrom(1e-131, 5e-324, -0, 1e308));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(doc, schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const record = Object.fromEntries(properties.map(([name, s]) => [name, arbitraryFor(doc, s, depth + 1)]));
      return fc.record(record, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) });
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

interface FuzzRequest {
  method: string;
  url: string;
  route: string;
  headers: Record<string, string>;
  payload?: string;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

/** Requests for one operation: its path parameters, query and body filled in from the schemas, or garbled. */
function requestsFor(doc: OpenapiDocument, path: string, method: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
  const auth = fc.oneof(
    { arbitrary: fc.constant(`Bearer ${TOKEN}`), weight: 17 },
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: hostileString.map((s) => `Bearer ${s}`), weight: 1 },
  );
  const body = bodySchema
    ? fc.oneof(
        { arbitrary: arbitraryFor(doc, bodySchema).map((v) => JSON.stringify(v) ?? 'null'), weight: 8 },
        { arbitrary: fc.constantFrom('{', '[]', '"x"', 'null', '{"a":', '\u0000', ''), weight: 1 },
        { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
      )
    : fc.constant(undefined);
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        'application/cloudevents+json',
        'application/cloudevents-batch+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ),
      weight: 1,
    },
  );
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => fc.oneof(arbitraryFor(doc, p.schema), interesting))),
      query: fc.tuple(...queryParams.map((p) => fc.option(fc.oneof(arbitraryFor(doc, p.schema), hostileString), { nil: undefined, freq: 2 }))),
      auth,
      body,
      contentType,
    })
    .map(({ path: values, query, auth: authorization, body: payload, contentType: type }) => {
      let url = path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(asText(values[i])));
      });
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (query[i] !== undefined) search.set(p.name, asText(query[i]));
      });
      const qs = search.toString();
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (payload !== undefined) headers['content-type'] = type;
      return { method: method.toUpperCase(), url: qs ? `${url}?${qs}` : url, route: `${method.toUpperCase()} ${path}`, headers, ...(payload !== undefined ? { payload } : {}) };
    });
}

t.test('fuzz: every route of the OpenAPI document, random valid-ish and invalid input, never a 5xx', async (t) => {
  let stack: Stack;
  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
  });
  t.teardown(() => stack.close());

  t.test(`${REQUESTS} seeded requests`, async () => {
    const app = stack.runtime.app;
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenapiDocument;
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => requestsFor(doc, path, method, operation)),
    );
    assert.ok(operations.length >= 30, `only ${operations.length} operations in the document`);
    const requests = fc.sample(fc.oneof(...operations), { seed: SEED, numRuns: REQUESTS });
    const routes = new Set<string>();
    const failures: { request: FuzzRequest; status: number; body: string }[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let sent = 0;
    for (const request of requests) {
      if (Date.now() - started > DEADLINE_MS) break;
      const response = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      });
      sent++;
      routes.add(request.route);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500) failures.push({ request, status: response.statusCode, body: response.body.slice(0, 300) });
    }
    t.comment(`fuzz: ${sent} requests, ${routes.size} routes, ${failures.length} 5xx`);
    t.comment(
      `fuzz statuses: ${[...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    assert.ok(sent >= REQUESTS / 4, `only ${sent} requests within the deadline`);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} answers were 5xx`);
  });
});
