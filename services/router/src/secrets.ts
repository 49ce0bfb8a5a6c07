import { GetSecretValueCommand, SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { ConfigError, type RouterConfig } from './config.js';

export interface AdminTokenClients {
  /** Settings for the Secrets Manager client; by default the SDK's standard chain (AWS_ENDPOINT_URL_SECRETS_MANAGER...). */
  secretsManager?: SecretsManagerClientConfig;
  /** Settings for the SSM client; by default the SDK's standard chain (AWS_ENDPOINT_URL_SSM...). */
  ssm?: SSMClientConfig;
}

/** Names the failure without the value: neither messages nor logs may ever carry the token. */
function unreadable(variable: string, where: string, error: unknown): ConfigError {
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error && error.name !== 'Error' ? `${name}: ${error.message}` : name;
  return new ConfigError(variable, `the admin token could not be read from ${where} (${detail}).`);
}

function usable(variable: string, value: string | undefined, where: string): string {
  const token = value?.trim();
  if (!token) throw new ConfigError(variable, `${where} holds no text value to use as the admin token.`);
  if (token.length < 16) throw new ConfigError(variable, `the admin token read from ${where} must be at least 16 characters.`);
  return token;
}

/**
 * Returns the configuration with its admin token: as given when VROUTER_ADMIN_TOKEN is set (or no source is
 * configured); else read once from Secrets Manager (VROUTER_ADMIN_TOKEN_SECRET_ARN: the secret's SecretString is
 * the token) or SSM Parameter Store (VROUTER_ADMIN_TOKEN_PARAMETER: a SecureString, decrypted). Throws ConfigError
 * naming the variable when the value cannot be read or is not a usable token; the token is never logged nor put
 * in an error message.
 */
export async function resolveAdminToken(config: RouterConfig, clients: AdminTokenClients = {}): Promise<RouterConfig> {
  if (config.adminToken) return config;
  if (config.adminTokenSecretArn) {
    const variable = 'VROUTER_ADMIN_TOKEN_SECRET_ARN';
    const client = new SecretsManagerClient(clients.secretsManager ?? {});
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: config.adminTokenSecretArn })).catch((error: unknown) => {
        throw unreadable(variable, `Secrets Manager secret ${config.adminTokenSecretArn}`, error);
      });
      return { ...config, adminToken: usable(variable, out.SecretString, `Secrets Manager secret ${config.adminTokenSecretArn}`) };
    } finally {
      client.destroy();
    }
  }
  if (config.adminTokenParameter) {
    const variable = 'VROUTER_ADMIN_TOKEN_PARAMETER';
    const client = new SSMClient(clients.ssm ?? {});
    try {
      const out = await client.send(new GetParameterCommand({ Name: config.adminTokenParameter, WithDecryption: true })).catch((error: unknown) => {
        throw unreadable(variable, `SSM parameter ${config.adminTokenParameter}`, error);
      });
      return { ...config, adminToken: usable(variable, out.Parameter?.Value, `SSM parameter ${config.adminTokenParameter}`) };
    } finally {
      client.destroy();
    }
  }
  return config;
}
