import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort, type RouterProcess, startRouterProcess } from '../src/child.js';
import { eventually } from '../src/stack.js';

/** One request an OTLP receiver got. */
interface Export {
  path: string;
  contentType: string;
  body: Buffer;
}

/** An OTLP/HTTP receiver that accepts everything and keeps it. */
async function startReceiver(): Promise<{ url: string; received: Export[]; server: Server }> {
  const received: Export[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' }).end(request.headers['content-type']?.includes('json') ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, server };
}

interface OtlpJsonSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** Spans (with their service.name) from OTLP/HTTP JSON trace exports. */
function jsonSpans(exports: Export[]): (OtlpJsonSpan & { service: unknown })[] {
  type Body = { resourceSpans: { resource: { attributes: OtlpJsonSpan['attributes'] }; scopeSpans: { spans: OtlpJsonSpan[] }[] }[] };
  return exports.flatMap((e) =>
    (JSON.parse(e.body.toString('utf8')) as Body).resourceSpans.flatMap((rs) => {
      const service = Object.values(rs.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {})[0];
      return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service })));
    }),
  );
}

const attribute = (span: OtlpJsonSpan, key: string) => Object.values(span.attributes.find((a) => a.key === key)?.value ?? {})[0];

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

/** Posts a release event to a dev router (with its printed token), waiting for the dispatch. */
async function post(router: RouterProcess, id: string, header?: string): Promise<{ status: number; dispatchStatus?: string }> {
  const token = /VROUTER_TOKEN=(\S+)/.exec(router.output())![1]!;
  const response = await fetch(`${router.url}/v1/events?wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json', ...(header ? { traceparent: header } : {}) },
    body: JSON.stringify({ specversion: '1.0', id, source: '/telemetry-e2e', type: 'release.requested', customerid: 'globex' }),
  });
  const body = (await response.json()) as { results: { dispatches: { status: string }[] }[] };
  return { status: response.status, dispatchStatus: body.results?.[0]?.dispatches[0]?.status };
}

/** Fast batches, so a test sees exports within a second. */
const FAST_EXPORT = { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_METRIC_EXPORT_INTERVAL: '500', OTEL_METRIC_EXPORT_TIMEOUT: '400' };

t.test('vrouter dev with OpenTelemetry, as a process', async (t) => {
  const dirs: string[] = [];
  const routers: Record<'json' | 'protobuf' | 'refused' | 'none' | 'disabled', RouterProcess> = {} as never;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  t.before(async () => {
    receiver = await startReceiver();
    const refusing = `http://127.0.0.1:${await freePort()}`;
    const settings: Record<keyof typeof routers, Record<string, string>> = {
      json: {
        ...FAST_EXPORT,
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/json`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'vrouter-e2e',
        // Every event goes over this budget: each logs a warning, with its ids.
        VROUTER_COST_MAX_DYNAMODB_REQUESTS: '1',
      },
      protobuf: { ...FAST_EXPORT, OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/protobuf` },
      refused: { ...FAST_EXPORT, OTEL_EXPORTER_OTLP_ENDPOINT: refusing, OTEL_EXPORTER_OTLP_TIMEOUT: '500', OTEL_LOG_LEVEL: 'none' },
      // OpenTelemetry's own warnings and errors shown: there must be none.
      none: { OTEL_LOG_LEVEL: 'warn' },
      disabled: { ...FAST_EXPORT, OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/disabled` },
    };
    // Every start settles before the hook goes on, so a router that fails to start leaves none running behind it.
    const started = await Promise.allSettled(
      Object.entries(settings).map(async ([name, env]) => {
        const dir = await mkdtemp(join(tmpdir(), `vrouter-otel-${name}-`));
        dirs.push(dir);
        const router = await startRouterProcess(['dev'], { VROUTER_DATA_DIR: dir, ...env }, 60_000);
        routers[name as keyof typeof routers] = router;
        await eventually(async () => (router.output().includes('Ctrl-C') ? true : undefined), 15_000);
      }),
    );
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  });

  t.teardown(async () => {
    await Promise.all(Object.values(routers).map((router) => router?.stop()));
    await new Promise((resolve) => receiver?.server.close(resolve));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  t.test('exports the trace of an event over OTLP/HTTP JSON: HTTP, fastify, event, dispatch and AWS SDK spans', async () => {
    const header = traceparent();
    const traceId = header.split('-')[1];
    assert.deepEqual(await post(routers.json, 'json-1', header), { status: 202, dispatchStatus: 'succeeded' });
    const spans = (
      await eventually(async () => {
        const all = jsonSpans(receiver.received.filter((e) => e.path === '/json/v1/traces')).filter((s) => s.traceId === traceId);
        return all.some((s) => s.name === 'vrouter.event') && all.some((s) => s.name === 'vrouter.dispatch') ? all : undefined;
      }, 10_000)
    ).value;
    const names = spans.map((s) => s.name);
    for (const name of ['POST /v1/events', 'request', 'vrouter.event', 'vrouter.dispatch', 'release-coordinator Invoke', 'DynamoDB.PutItem'])
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    assert.ok(
      spans.every((s) => s.service === 'vrouter-e2e'),
      'OTEL_SERVICE_NAME names the service',
    );
    const dispatch = spans.find((s) => s.name === 'vrouter.dispatch')!;
    assert.equal(attribute(dispatch, 'vrouter.version'), 'v2');
    assert.equal(attribute(dispatch, 'feature_flag.context.id'), 'globex');
    const event = spans.find((s) => s.name === 'vrouter.event')!;
    assert.equal(dispatch.parentSpanId, event.spanId);
    assert.ok(Number(attribute(event, 'vrouter.cost.dynamodb.requests')) >= 3);
    await eventually(async () => (receiver.received.some((e) => e.path === '/json/v1/metrics' && e.body.includes('vrouter.dispatches')) ? true : undefined), 10_000);
  });

  t.test("logs JSON lines carrying the event span's trace_id and span_id, never the payload", async () => {
    const header = traceparent();
    await post(routers.json, 'json-costly', header);
    const line = (
      await eventually(async () =>
        routers.json
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.eventId === 'json-costly'),
      )
    ).value;
    assert.equal(line.level, 40);
    assert.equal(line.trace_id, header.split('-')[1]);
    assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
    assert.match(String(line.msg), /json-costly cost more than its limits/);
    assert.equal(line.event, undefined);
    const logLines = routers.json
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0);
    assert.ok(!logLines.some((l) => l.includes('customerid') || l.includes('authorization')), 'no event payload, no token in the logs');
  });

  t.test('exports OTLP/HTTP protobuf by default', async () => {
    assert.deepEqual(await post(routers.protobuf, 'protobuf-1', traceparent()), { status: 202, dispatchStatus: 'succeeded' });
    const traces = (await eventually(async () => receiver.received.find((e) => e.path === '/protobuf/v1/traces' && e.body.includes('vrouter.dispatch')), 10_000)).value;
    assert.equal(traces.contentType, 'application/x-protobuf');
    assert.ok(traces.body.includes('vrouter.version') && traces.body.includes('vrouter'), 'attribute names and the default service.name are in the protobuf');
  });

  t.test('keeps routing events when the OTLP endpoint refuses connections', async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(routers.refused, `refused-${i}`)));
    assert.ok(
      answers.every((a) => a.status === 202 && a.dispatchStatus === 'succeeded'),
      JSON.stringify(answers),
    );
    assert.ok(Date.now() - started < 10_000, 'exports failing in the background do not hold events up');
    // Exports kept failing meanwhile; the router stays up and stops cleanly, without waiting for them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok((await fetch(`${routers.refused.url}/healthz`)).ok);
    const stopping = Date.now();
    assert.equal(await routers.refused.stop(), 0, routers.refused.output());
    assert.ok(Date.now() - stopping < 8000, 'shutdown gives up on the exporter after a short wait');
  });

  t.test('exports nothing, and says nothing, when no endpoint is configured', async () => {
    assert.deepEqual(await post(routers.none, 'none-1'), { status: 202, dispatchStatus: 'succeeded' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const output = routers.none.output();
    // A default exporter would be sending to localhost:4318, where nothing listens: each batch a connection error.
    assert.doesNotMatch(output, /ECONNREFUSED|OTLPExporterError|"level":50/, output);
  });

  t.test('starts no SDK with OTEL_SDK_DISABLED=true', async () => {
    assert.deepEqual(await post(routers.disabled, 'disabled-1', traceparent()), { status: 202, dispatchStatus: 'succeeded' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(receiver.received.filter((e) => e.path.startsWith('/disabled')).length, 0);
  });
});
