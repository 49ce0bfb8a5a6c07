import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Vault {
  url: string;
  /** Every call, as `X-Amz-Target`. */
  calls: string[];
  close(): Promise<void>;
}

/**
 * A tiny endpoint speaking the awsJson1_1 protocol of Secrets Manager's GetSecretValue, holding one secret (its
 * SecretString is `value`); any other secret is ResourceNotFoundException.
 */
export async function startVault(secretArn: string, value: string): Promise<Vault> {
  const calls: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
    const target = String(req.headers['x-amz-target']);
    calls.push(target);
    const found = target === 'secretsmanager.GetSecretValue' && body.SecretId === secretArn;
    const document = found
      ? { ARN: secretArn, Name: 'vrouter-admin', VersionId: 'v-1', SecretString: value, VersionStages: ['AWSCURRENT'], CreatedDate: 1_700_000_000 }
      : { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." };
    res.writeHead(found ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(document));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
