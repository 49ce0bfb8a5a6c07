import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cloudEvent, seedSvc, type Stack, startStack, TOKEN } from '../src/stack.js';

type Schema = Record<string, unknown>;
interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string; required?: boolean }[];
  responses: Record<string, Response>;
}
interface OpenapiDocument {
  openapi: string;
  info: { title: string; version: string; license?: { name: string; identifier?: string } };
  servers?: { url: string }[];
  components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}

const COMPONENT_REF = '#/components/schemas/';

/** The document's references, `#/components/schemas/X`, as ajv ids (`X`), so each answer's schema compiles on its own. */
function localRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v) => (key === '$ref' && typeof v === 'string' && v.startsWith(COMPONENT_REF) ? v.slice(COMPONENT_REF.length) : v)) as T;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const routerPackage = JSON.parse(readFileSync(new URL('../../services/router/package.json', import.meta.url), 'utf8')) as { version: string };
const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
/** The docs themselves and the operator's web page are not API operations. */
const notApi = (url: string) => url.startsWith('/docs') || url === '/ui' || url.startsWith('/ui/');

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const ajv = new Ajv2020({
  strict: true,
  // `oneOf: [{ required: ['channel'] }, { required: ['version'] }]` names properties defined beside it, not in it.
  strictRequired: false,
  allErrors: true,
  allowUnionTypes: true,
  discriminator: true,
  formats: { 'date-time': (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), uri: (value: string) => URL.canParse(value) },
});

t.test('OpenAPI document at /docs', async (t) => {
  let stack: Stack;
  let doc: OpenapiDocument;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    const response = await fetch(`${stack.url}/docs/json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    doc = (await response.json()) as OpenapiDocument;
    for (const [name, schema] of Object.entries(localRefs(doc.components.schemas ?? {}))) ajv.addSchema({ ...schema, $id: name });
  });
  t.teardown(() => stack.close());

  t.test('is an OpenAPI 3 document for this package, served without a token, with bearer security', async () => {
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(doc.info.title, 'Version Router');
    assert.equal(doc.info.version, routerPackage.version);
    assert.equal(doc.components.securitySchemes.bearerAuth?.type, 'http');
    assert.equal(doc.components.securitySchemes.bearerAuth?.scheme, 'bearer');
    assert.ok(Object.keys(doc.paths).length > 0);
    assert.equal(doc.info.license?.name, 'Apache-2.0');
    assert.ok((doc.servers ?? []).length > 0, 'servers');
  });

  t.test('names its schemas in components.schemas, and every reference resolves', async () => {
    const names = Object.keys(doc.components.schemas ?? {});
    for (const name of ['Problem', 'Component', 'ComponentDetails', 'Version', 'Target', 'Pin', 'EventDetails', 'Replay', 'AuditEntry'])
      assert.ok(names.includes(name), `${name} in components.schemas`);
    assert.ok(!names.some((name) => /^def-\d+$/.test(name)), `unnamed components: ${names.join(', ')}`);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref!);
    assert.deepEqual(
      refs.filter((ref) => !ref.startsWith(COMPONENT_REF) || !names.includes(ref.slice(COMPONENT_REF.length))),
      [],
    );
  });

  t.test('documents every route the app serves, with its method, path parameters, a summary, a 2xx response and security', async () => {
    const failures: string[] = [];
    for (const route of stack.runtime.app.vrouterRoutes) {
      if (notApi(route.url)) continue;
      const where = `${route.method} ${route.url}`;
      const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
      if (!op) {
        failures.push(`${where}: not documented`);
        continue;
      }
      if (typeof op.summary !== 'string' || op.summary.length === 0) failures.push(`${where}: no summary`);
      const success = Object.entries(op.responses).filter(([status]) => /^2(\d\d|XX)$/.test(status));
      if (!success.some(([status, response]) => status === '204' || Object.values(response.content ?? {}).some((media) => media.schema))) {
        failures.push(`${where}: no 2xx response schema`);
      }
      if (route.url.startsWith('/v1/') && !op.security?.some((requirement) => 'bearerAuth' in requirement)) failures.push(`${where}: no bearer security`);
      for (const [, name] of route.url.matchAll(/:(\w+)/g)) {
        if (!op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required)) failures.push(`${where}: path parameter ${name} not documented`);
      }
    }
    assert.deepEqual(failures, []);
  });

  t.test('documents no route that the app does not serve', async () => {
    const served = new Set(stack.runtime.app.vrouterRoutes.map((r) => `${r.method.toLowerCase()} ${openapiPath(r.url)}`));
    const extra: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item).filter((key) => HTTP_METHODS.has(key))) if (!served.has(`${method} ${path}`)) extra.push(`${method} ${path}`);
    }
    assert.deepEqual(extra, []);
  });

  t.test('serves the Swagger UI at /docs', async () => {
    const response = await fetch(`${stack.url}/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /swagger/i);
  });

  t.test('real responses match their documented schemas', async (t) => {
    /** `METHOD path` of every operation an answer was checked for; every served route must be among them. */
    const checked = new Set<string>();
    /** The documented schema for an answer: the exact status, else its range (4XX), else default. */
    function documented(method: string, path: string, status: number, contentType: string): Schema | undefined {
      const responses = doc.paths[path]?.[method.toLowerCase()]?.responses ?? {};
      const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
      return response?.content?.[contentType.split(';')[0]!.trim()]?.schema;
    }

    async function check(
      method: string,
      path: string,
      url: string,
      expected: number | number[],
      body?: unknown,
      options: { token?: string | null; contentType?: string } = {},
    ): Promise<unknown> {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? TOKEN : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      const response = await fetch(`${stack.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      const status = response.status;
      checked.add(`${method} ${path}`);
      assert.ok([expected].flat().includes(status), `${method} ${url}: ${status} ${text}`);
      if (status === 204) {
        assert.ok(doc.paths[path]?.[method.toLowerCase()]?.responses['204'], `${method} ${path}: 204 not documented`);
        return undefined;
      }
      const contentType = response.headers.get('content-type') ?? '';
      const schema = documented(method, path, status, contentType);
      assert.ok(schema, `${method} ${path}: no documented schema for ${status} ${contentType}`);
      const json: unknown = JSON.parse(text);
      const validate = ajv.compile(localRefs(schema));
      assert.ok(validate(json), `${method} ${url} ${status} does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${text}`);
      return json;
    }

    t.test('health', async () => {
      await check('GET', '/healthz', '/healthz', 200, undefined, { token: null });
      await check('GET', '/readyz', '/readyz', 200, undefined, { token: null });
    });

    t.test('components, versions and channels', async () => {
      await check('PUT', '/v1/components/{component}', '/v1/components/docs-demo', 200, { description: 'For the docs test', subscriptions: ['docs.*'] });
      await check('PUT', '/v1/components/{component}/versions/{version}', '/v1/components/docs-demo/versions/v1', 200, {
        target: { kind: 'http', url: 'http://127.0.0.1:9/docs' },
      });
      await check('PUT', '/v1/components/{component}/versions/{version}', '/v1/components/docs-demo/versions/v2', 200, {
        target: { kind: 'ecs', cluster: 'c', taskDefinition: 'docs:1', containerName: 'app' },
      });
      await check('PUT', '/v1/components/{component}/channels/{channel}', '/v1/components/docs-demo/channels/beta', 200, { version: 'v1' });
      await check('PUT', '/v1/components/{component}/channels/{channel}', '/v1/components/docs-demo/channels/beta', 200, { version: 'v2' });
      await check('POST', '/v1/components/{component}/channels/{channel}/rollback', '/v1/components/docs-demo/channels/beta/rollback', 200, {});
      await check('POST', '/v1/components/{component}/channels/{channel}/promote', '/v1/components/docs-demo/channels/stable/promote', 200, { from: 'beta' });
      await check('GET', '/v1/components', '/v1/components', 200);
      await check('GET', '/v1/components/{component}', '/v1/components/svc', 200);
      await check('DELETE', '/v1/components/{component}/versions/{version}', '/v1/components/docs-demo/versions/v2', 204);
      await check('DELETE', '/v1/components/{component}', '/v1/components/docs-demo', 409);
      await check('PUT', '/v1/components/{component}', '/v1/components/docs-empty', 200, { subscriptions: ['docs.empty'] });
      await check('DELETE', '/v1/components/{component}', '/v1/components/docs-empty', 204);
    });

    t.test('pins, customers, projects and resolution', async () => {
      await check('PUT', '/v1/customers/{customer}', '/v1/customers/docs-co', 200, { plan: 'pro' });
      await check('PUT', '/v1/projects/{project}', '/v1/projects/docs-p', 200, { customer: 'docs-co' });
      await check('GET', '/v1/customers', '/v1/customers', 200);
      await check('GET', '/v1/projects', '/v1/projects', 200);
      await check('PUT', '/v1/pins/{scope}/{subject}/{component}', '/v1/pins/customer/docs-co/svc', 200, { channel: 'beta', reason: 'docs' });
      await check('PUT', '/v1/pins/{scope}/{subject}/{component}', '/v1/pins/project/docs-p/svc', 200, {
        version: 'v3',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      await check('GET', '/v1/pins/{scope}/{subject}/{component}', '/v1/pins/customer/docs-co/svc', 200);
      await check('GET', '/v1/pins', '/v1/pins?component=svc', 200);
      await check('POST', '/v1/pins/bulk', '/v1/pins/bulk', 200, { operations: [{ scope: 'plan', subject: 'pro', component: 'svc', channel: 'experimental' }], reason: 'docs' });
      const decided = await check('GET', '/v1/resolve', '/v1/resolve?component=svc&project=docs-p', 200);
      assert.equal((decided as { version: string }).version, 'v3');
      const unresolved = await check('GET', '/v1/resolve', '/v1/resolve?component=unreleased-docs', 422);
      assert.equal((unresolved as { code: string }).code, 'VR_COMPONENT_UNKNOWN');
      await check('PUT', '/v1/components/{component}', '/v1/components/unreleased-docs', 200, { subscriptions: [] });
      const none = await check('GET', '/v1/resolve', '/v1/resolve?component=unreleased-docs&customer=docs-co', 200);
      assert.equal((none as { resolved: boolean }).resolved, false);
      await check('DELETE', '/v1/pins/{scope}/{subject}/{component}', '/v1/pins/project/docs-p/svc', 204);
      await check('GET', '/v1/audit', '/v1/audit?component=svc&limit=5', 200);
    });

    t.test('events: ingest (single and batch) and lookup', async () => {
      const event = cloudEvent({ customerid: 'docs-co', data: { hello: 'docs' } });
      const posted = await check('POST', '/v1/events', '/v1/events?wait=true', 202, event, { contentType: 'application/cloudevents+json' });
      assert.equal((posted as { results: { status: string }[] }).results[0]!.status, 'accepted');
      await check('POST', '/v1/events', '/v1/events', 202, [cloudEvent({ customerid: 'acme' }), { ...cloudEvent(), id: undefined }], {
        contentType: 'application/cloudevents-batch+json',
      });
      await check('GET', '/v1/events/{source}/{id}', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`, 200);
    });

    t.test('event list and replays', async () => {
      const from = new Date(Date.now() - 3_600_000).toISOString();
      await check('GET', '/v1/events', `/v1/events?from=${encodeURIComponent(from)}&component=svc&limit=5`, 200);
      const dry = await check('POST', '/v1/replays', '/v1/replays', 202, { from, filter: { component: 'svc', status: 'all' }, dryRun: true });
      assert.equal((dry as { dryRun: boolean }).dryRun, true);
      const started = await check('POST', '/v1/replays', '/v1/replays', 202, { from, filter: { component: 'svc', customer: 'docs-co', status: 'all' }, target: { version: 'v1' } });
      const id = (started as { id: string }).id;
      await check('GET', '/v1/replays/{id}', `/v1/replays/${id}`, 200);
      await check('GET', '/v1/replays', '/v1/replays', 200);
      // It may have finished already: either answer is documented.
      await check('POST', '/v1/replays/{id}/cancel', `/v1/replays/${id}/cancel`, [200, 409]);
    });

    t.test('tokens', async () => {
      await check('POST', '/v1/tokens', '/v1/tokens', 201, { name: 'docs-reader', scopes: ['read'] });
      await check('GET', '/v1/tokens', '/v1/tokens', 200);
      await check('DELETE', '/v1/tokens/{name}', '/v1/tokens/docs-reader', 204);
    });

    t.test('overrides and the signing key', async () => {
      const minted = await check('POST', '/v1/overrides', '/v1/overrides', 201, { versions: { svc: 'v1' }, ttlSeconds: 60, subject: 'docs', reason: 'docs' });
      const event = cloudEvent({ customerid: 'acme', vrouteroverride: (minted as { token: string }).token });
      await check('POST', '/v1/events', '/v1/events?wait=true', 202, event);
      await check('GET', '/v1/events/{source}/{id}', `/v1/events/${encodeURIComponent(String(event.source))}/${event.id}`, 200);
      await check('POST', '/v1/overrides', '/v1/overrides', 400, { versions: {}, ttlSeconds: 60 });
      await check('POST', '/v1/signing-key/rotate', '/v1/signing-key/rotate', 200, { reason: 'docs' });
    });

    t.test('shadow', async () => {
      await check('PUT', '/v1/components/{component}/versions/{version}', '/v1/components/svc/versions/docs-cand', 200, {
        target: { kind: 'lambda', functionName: 'svc', qualifier: '2' },
      });
      await check('PUT', '/v1/components/{component}/shadow', '/v1/components/svc/shadow', 200, { version: 'docs-cand', percent: 50, reason: 'docs' });
      await check('POST', '/v1/events', '/v1/events?wait=true', 202, cloudEvent({ customerid: 'acme' }));
      await check('GET', '/v1/shadow/{component}', '/v1/shadow/svc', 200);
      await check('DELETE', '/v1/components/{component}/shadow', '/v1/components/svc/shadow', 204);
      await check('PUT', '/v1/components/{component}/shadow', '/v1/components/svc/shadow', 400, { version: 'docs-cand', percent: 120 });
    });

    t.test('problems', async () => {
      await check('GET', '/v1/components/{component}', '/v1/components/nothing-here', 404);
      await check('GET', '/v1/components', '/v1/components', 401, undefined, { token: null });
      await check('GET', '/v1/resolve', '/v1/resolve', 400);
      await check('PUT', '/v1/pins/{scope}/{subject}/{component}', '/v1/pins/customer/acme/svc', 422, { version: 'v99' });
      await check('POST', '/v1/events', '/v1/events', 400, cloudEvent({ customerid: 'acme', specversion: '0.3' }));
      await check('GET', '/v1/events', '/v1/events?limit=0', 400);
      await check('PUT', '/v1/components/{component}/versions/{version}', '/v1/components/svc/versions/v7', 400, {
        target: { kind: 'http', url: 'http://127.0.0.1:9/', extra: 1 },
      });
    });

    t.test('checked an answer of every route the app serves', async () => {
      const unchecked = stack.runtime.app.vrouterRoutes
        .filter((route) => !notApi(route.url))
        .map((route) => `${route.method} ${openapiPath(route.url)}`)
        .filter((operation) => !checked.has(operation));
      assert.deepEqual(unchecked, []);
    });
  });
});
