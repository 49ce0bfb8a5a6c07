import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';
import { resolveAdminToken } from '../src/secrets.js';

const TOKEN = 'vr_from_the_vault_0123456789abcdef';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vrouter-admin-AbCdEf';

interface Seen {
  target: string;
  contentType: string;
  body: Record<string, unknown>;
}

/**
 * A tiny endpoint speaking the awsJson1_1 protocol of Secrets Manager (GetSecretValue) and SSM (GetParameter), with
 * one secret and one SecureString parameter; anything else is ResourceNotFoundException / ParameterNotFound.
 */
async function startVault(values: { secret: string; parameter: string }): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const target = String(req.headers['x-amz-target']);
    seen.push({ target, contentType: String(req.headers['content-type']), body });
    const answer = (status: number, document: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(document));
    };
    if (target === 'secretsmanager.GetSecretValue' && body.SecretId === SECRET_ARN) {
      return answer(200, { ARN: SECRET_ARN, Name: 'vrouter-admin', VersionId: 'v-1', SecretString: values.secret, VersionStages: ['AWSCURRENT'], CreatedDate: 1_700_000_000.5 });
    }
    if (target === 'secretsmanager.GetSecretValue') return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    if (target === 'AmazonSSM.GetParameter' && body.Name === '/vrouter/admin-token') {
      return answer(200, {
        Parameter: {
          Name: '/vrouter/admin-token',
          Type: 'SecureString',
          Value: body.WithDecryption ? values.parameter : 'AQICAHh-encrypted',
          Version: 3,
          DataType: 'text',
          LastModifiedDate: 1_700_000_000,
        },
      });
    }
    return answer(400, { __type: 'ParameterNotFound', message: '' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

t.test('the admin token from Secrets Manager or SSM', async (t) => {
  let vault: Awaited<ReturnType<typeof startVault>>;
  let clients: Parameters<typeof resolveAdminToken>[1];
  const values = { secret: `${TOKEN}\n`, parameter: TOKEN };

  t.before(async () => {
    vault = await startVault(values);
    const settings = { endpoint: vault.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    clients = { secretsManager: settings, ssm: settings };
  });
  t.teardown(() => {
    vault.server.closeAllConnections();
    vault.server.close();
  });

  t.test('reads the SecretString of VROUTER_ADMIN_TOKEN_SECRET_ARN (trimmed) with GetSecretValue', async () => {
    vault.seen.length = 0;
    const config = await resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_SECRET_ARN: SECRET_ARN }), clients);
    assert.equal(config.adminToken, TOKEN);
    assert.deepEqual(vault.seen, [{ target: 'secretsmanager.GetSecretValue', contentType: 'application/x-amz-json-1.1', body: { SecretId: SECRET_ARN } }]);
  });

  t.test('reads the SecureString VROUTER_ADMIN_TOKEN_PARAMETER decrypted, with GetParameter', async () => {
    vault.seen.length = 0;
    const config = await resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_PARAMETER: '/vrouter/admin-token' }), clients);
    assert.equal(config.adminToken, TOKEN);
    assert.deepEqual(
      vault.seen.map((s) => [s.target, s.body]),
      [['AmazonSSM.GetParameter', { Name: '/vrouter/admin-token', WithDecryption: true }]],
    );
  });

  t.test('asks nothing when VROUTER_ADMIN_TOKEN is set, or when no source is', async () => {
    vault.seen.length = 0;
    const given = 'given-admin-token-0123456789';
    assert.equal((await resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN: given, VROUTER_ADMIN_TOKEN_SECRET_ARN: SECRET_ARN }), clients)).adminToken, given);
    assert.equal((await resolveAdminToken(loadConfig({}), clients)).adminToken, undefined);
    assert.equal(vault.seen.length, 0);
  });

  t.test('names the variable when the secret cannot be read', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-000000';
    await assert.rejects(resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_SECRET_ARN: missing }), clients), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, 'VROUTER_ADMIN_TOKEN_SECRET_ARN');
      assert.match(error.message, /ResourceNotFoundException/);
      return true;
    });
    await assert.rejects(
      resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_PARAMETER: '/nope' }), clients),
      (error: unknown) => error instanceof ConfigError && error.variable === 'VROUTER_ADMIN_TOKEN_PARAMETER' && /ParameterNotFound/.test(error.message),
    );
  });

  t.test('refuses a value too short to be a token, without repeating it', async () => {
    values.secret = 'short-secret';
    try {
      await assert.rejects(resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_SECRET_ARN: SECRET_ARN }), clients), (error: unknown) => {
        assert.ok(error instanceof ConfigError && error.variable === 'VROUTER_ADMIN_TOKEN_SECRET_ARN');
        assert.ok(!error.message.includes('short-secret'), error.message);
        return true;
      });
    } finally {
      values.secret = TOKEN;
    }
  });

  t.test('finds the endpoint through the standard AWS_ENDPOINT_URL_SECRETS_MANAGER variable', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: vault.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    try {
      assert.equal((await resolveAdminToken(loadConfig({ VROUTER_ADMIN_TOKEN_SECRET_ARN: SECRET_ARN }))).adminToken, TOKEN);
    } finally {
      for (const name of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
