import assert from 'node:assert/strict';
import t from 'tap';
import { containerRuntime, eventBridgeHandler, sqsHandler } from '@vrouter/router/lambda';
import { cloudEventBody, eventBridgeEvent, sqsEvent } from '../src/bus-events.js';
import { startVault, type Vault } from '../src/bus-vault.js';
import { type RouterProcess, startRouterProcess } from '../src/child.js';
import { apiClient, LOCAL_CREDENTIALS, seedSvc, type Stack, startStack, TABLE } from '../src/stack.js';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:vrouter-admin-AbCdEf';
const VAULT_TOKEN = 'vr_vault_token_9f8e7d6c5b4a3210';

/** Configured only by the environment, as a deployment is: the store, the targets and the admin token from Secrets Manager. */
t.test('configured by the environment alone, with the admin token in Secrets Manager', async (t) => {
  let stack: Stack;
  let vault: Vault;
  let env: Record<string, string>;

  t.before(async () => {
    stack = await startStack();
    await seedSvc(stack.api);
    vault = await startVault(SECRET_ARN, VAULT_TOKEN);
    env = {
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
      AWS_ENDPOINT_URL_LAMBDA: stack.lambdaUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: vault.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      VROUTER_TABLE: TABLE,
      VROUTER_ADMIN_TOKEN_SECRET_ARN: SECRET_ARN,
    };
  });
  t.teardown(async () => {
    await vault?.close();
    await stack?.close();
  });

  t.test('vrouter serve', async (t) => {
    let router: RouterProcess;
    t.teardown(async () => {
      await router?.stop();
    });

    t.test('reads the token once at start, accepts it as the admin token, and never prints it', async () => {
      vault.calls.length = 0;
      router = await startRouterProcess(['serve'], { ...env, VROUTER_LOG_LEVEL: 'info' });
      assert.deepEqual(vault.calls, ['secretsmanager.GetSecretValue']);
      assert.equal((await apiClient(router.url, VAULT_TOKEN)('GET', '/v1/components')).status, 200);
      assert.equal((await apiClient(router.url, 'not-the-admin-token-at-all')('GET', '/v1/components')).status, 401);
      assert.equal(await router.stop(), 0, router.output());
      assert.ok(!router.output().includes(VAULT_TOKEN), router.output());
    });

    t.test('refuses to start when the secret cannot be read, naming the variable', async () => {
      await assert.rejects(
        startRouterProcess(['serve'], { ...env, VROUTER_ADMIN_TOKEN_SECRET_ARN: `${SECRET_ARN}-gone` }),
        (error: Error) => /VROUTER_ADMIN_TOKEN_SECRET_ARN/.test(error.message) && /ResourceNotFoundException/.test(error.message),
      );
    });
  });

  t.test('the Lambda entry points (`handler`)', async (t) => {
    const saved = { ...process.env };
    t.before(() => {
      Object.assign(process.env, env, { VROUTER_LOG_LEVEL: 'silent' });
    });
    t.teardown(async () => {
      // A container's runtime lives as long as the container; this process ends, so it is closed here.
      await (await containerRuntime()).runtime.close();
      for (const name of Object.keys(env)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    t.test('make one runtime per container on the first invocation, shared by both handlers, and route on the same store', async () => {
      vault.calls.length = 0;
      const viaEventBridge = eventBridgeEvent('eventbridge-custom-event.json');
      const viaSqs = cloudEventBody({ customerid: 'acme' });
      assert.equal((await eventBridgeHandler(viaEventBridge)).status, 'accepted');
      assert.deepEqual(await sqsHandler(sqsEvent([viaSqs])), { batchItemFailures: [] });
      assert.equal((await eventBridgeHandler(eventBridgeEvent('eventbridge-custom-event.json'))).status, 'accepted');
      const invoked = stack.lambda.invocations.map((i) => (i.payload as { id: string }).id);
      assert.ok(invoked.includes(viaEventBridge.id) && invoked.includes(viaSqs.id as string));
      // Read once, for the container, and usable as the admin token there.
      assert.deepEqual(vault.calls, ['secretsmanager.GetSecretValue']);
      const { runtime, config } = await containerRuntime();
      assert.equal(runtime, (await containerRuntime()).runtime);
      assert.equal(config.adminToken, VAULT_TOKEN);
      // A handler builds ingest only: no HTTP app, no admin service.
      assert.equal('app' in runtime, false);
      assert.equal('admin' in runtime, false);
    });
  });
});
