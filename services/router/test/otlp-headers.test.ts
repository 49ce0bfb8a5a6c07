import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import t from 'tap';
import { promisify } from 'node:util';

/**
 * Runs resolveOtlpHeaders in a child process, as the router does at start: it blocks while it reads the secret, so
 * the fake Secrets Manager must stay free to answer, here in the parent.
 */
async function resolvedHeaders(env: Record<string, string>): Promise<string> {
  const script =
    "const m = await import('./src/telemetry/otlp-headers.ts'); const env = { ...process.env }; m.resolveOtlpHeaders(env); process.stdout.write(env.OTEL_EXPORTER_OTLP_HEADERS ?? '<unset>');";
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env } });
  return stdout;
}

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:otlp-headers-AbCdEf';

t.test('OTLP headers from Secrets Manager', async (t) => {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: string };
    res.writeHead(body.SecretId === ARN ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body.SecretId === ARN ? { ARN, SecretString: 'x-honeycomb-team=abc123\n' } : { __type: 'ResourceNotFoundException', message: 'no' }));
  });
  let url = '';
  t.before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  t.teardown(() => server.close());

  const base = () => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

  t.test('sets OTEL_EXPORTER_OTLP_HEADERS from the secret before the SDK starts', async () => {
    assert.equal(await resolvedHeaders({ ...base(), OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN: ARN }), 'x-honeycomb-team=abc123');
  });

  t.test('keeps headers set directly, and goes on without them when the secret cannot be read', async () => {
    assert.equal(await resolvedHeaders({ ...base(), OTEL_EXPORTER_OTLP_HEADERS: 'a=b', OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN: ARN }), 'a=b');
    assert.equal(await resolvedHeaders({ ...base(), OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN: `${ARN}-gone` }), '<unset>');
  });
});
