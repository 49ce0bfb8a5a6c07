/**
 * Prints one secret to stdout and exits: the OTLP headers from Secrets Manager (OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN)
 * or SSM (OTEL_EXPORTER_OTLP_HEADERS_PARAMETER). Run as a child process by otlp-headers.ts, so that the AWS SDK is not
 * loaded into the router before OpenTelemetry has instrumented it.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const arn = process.env.OTEL_EXPORTER_OTLP_HEADERS_SECRET_ARN;
const parameter = process.env.OTEL_EXPORTER_OTLP_HEADERS_PARAMETER;
const value = arn
  ? (await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString
  : parameter
    ? (await new SSMClient({}).send(new GetParameterCommand({ Name: parameter, WithDecryption: true }))).Parameter?.Value
    : undefined;
if (!value) process.exit(2);
process.stdout.write(value.trim());
