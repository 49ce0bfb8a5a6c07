import { Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IParameter, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretSource } from './config.js';

/**
 * A secret value kept outside the template (Secrets Manager or an SSM SecureString parameter). The stack only
 * ever hands out where it lives, and read access to exactly that secret (and its customer managed key, if any).
 */
export class SecretReference extends Construct {
  readonly source: SecretSource;
  readonly #secret: ISecret | undefined;
  readonly #parameter: IParameter | undefined;

  constructor(scope: Construct, id: string, source: SecretSource) {
    super(scope, id);
    this.source = source;
    // With the key named, every grant of the secret includes kms:Decrypt on that key (through the service only).
    const encryptionKey = source.kmsKeyArn ? Key.fromKeyArn(this, 'Key', source.kmsKeyArn) : undefined;
    if (source.kind === 'secretsManager') {
      this.#secret = Secret.fromSecretAttributes(this, 'Secret', { secretCompleteArn: source.arn, encryptionKey });
    } else {
      this.#parameter = StringParameter.fromSecureStringParameterAttributes(this, 'Parameter', { parameterName: source.name, encryptionKey });
    }
  }

  /**
   * The environment variable that tells a process where the value of `variable` lives:
   * `<variable>_SECRET_ARN` (Secrets Manager: the SecretString is the value) or `<variable>_PARAMETER` (an SSM
   * SecureString, read WithDecryption). The router reads VROUTER_ADMIN_TOKEN_SECRET_ARN / _PARAMETER this way.
   */
  locator(variable: string): Record<string, string> {
    return this.source.kind === 'secretsManager' ? { [`${variable}_SECRET_ARN`]: this.source.arn } : { [`${variable}_PARAMETER`]: this.source.name };
  }

  /** Lets `grantee` read this one secret or parameter, and decrypt with its customer managed key if configured. */
  grantRead(grantee: IGrantable): void {
    if (this.#secret) this.#secret.grantRead(grantee);
    if (this.#parameter) this.#parameter.grantRead(grantee);
  }

  /** The value as an ECS container secret: ECS fetches it when the task starts (its execution role gets read access). */
  ecsSecret(): EcsSecret {
    return this.#secret ? EcsSecret.fromSecretsManager(this.#secret) : EcsSecret.fromSsmParameter(this.#parameter!);
  }
}
