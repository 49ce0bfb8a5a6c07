import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config.js';
import { RouterFunctions } from './router-functions.js';
import { RouterService } from './router-service.js';
import { RouterTable } from './table.js';
import { SecretReference } from './secrets.js';

/** Variables whose values are secrets; processes get where each lives (see SecretReference.locator), never the value. */
export const ADMIN_TOKEN_VARIABLE = 'VROUTER_ADMIN_TOKEN';
export const OTLP_HEADERS_VARIABLE = 'OTEL_EXPORTER_OTLP_HEADERS';
/** Where the router's telemetry bootstrap sits in the Lambda package (the repository layout under /var/task). */
export const LAMBDA_TELEMETRY_REGISTER = '/var/task/services/router/dist/telemetry/register.js';

export interface RouterStackProps extends StackProps {
  readonly config: InfraConfig;
  /** The router's Lambda package (bin/app.ts builds it with buildRouterPackage; tests pass a stand-in). */
  readonly routerCode: Code;
}

/**
 * Everything Version Router needs in one account and region: the table (RouterTable), the router on Lambda fed by
 * EventBridge and SQS (RouterFunctions), and optionally `vrouter serve` on ECS Fargate behind a load balancer
 * (RouterService). The account always comes from the deploying credentials; the region too unless configured.
 */
export class RouterStack extends Stack {
  readonly table: RouterTable;
  readonly functions: RouterFunctions;
  readonly service: RouterService | undefined;

  constructor(scope: Construct, id: string, props: RouterStackProps) {
    const { config, routerCode, ...stackProps } = props;
    super(scope, id, {
      description: 'Version Router: routes events to the component versions customers are pinned to.',
      env: config.region ? { region: config.region } : undefined,
      ...stackProps,
    });
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    this.table = new RouterTable(this, 'Table', { tableName: config.tableName });
    const adminToken = new SecretReference(this, 'AdminToken', config.adminToken);
    const otlpHeaders = config.telemetry?.otlpHeaders ? new SecretReference(this, 'OtlpHeaders', config.telemetry.otlpHeaders) : undefined;
    const telemetry: Record<string, string> = config.telemetry
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: config.telemetry.otlpEndpoint, OTEL_SERVICE_NAME: config.telemetry.serviceName }
      : {};

    this.functions = new RouterFunctions(this, 'Router', {
      code: routerCode,
      table: this.table,
      config,
      // Lambda cannot inject secrets into the environment: the router reads each from where its locator points.
      environment: {
        ...config.lambda.environment,
        VROUTER_TABLE: this.table.tableName,
        ...telemetry,
        // Lambda runs the handler module directly: load OpenTelemetry first, as the router's launchers do for serve.
        ...(config.telemetry ? { NODE_OPTIONS: `--import=${LAMBDA_TELEMETRY_REGISTER}` } : {}),
        ...adminToken.locator(ADMIN_TOKEN_VARIABLE),
        ...(otlpHeaders?.locator(OTLP_HEADERS_VARIABLE) ?? {}),
      },
      grantSecrets: (role: Role) => {
        adminToken.grantRead(role);
        otlpHeaders?.grantRead(role);
      },
    });

    if (config.service.enabled) {
      this.service = new RouterService(this, 'Service', {
        config: config.service,
        components: config.components,
        logRetentionDays: config.logRetentionDays,
        table: this.table,
        environment: { VROUTER_TABLE: this.table.tableName, ...telemetry },
        // ECS resolves these when a task starts and sets them as the variables themselves.
        secrets: {
          [ADMIN_TOKEN_VARIABLE]: adminToken.ecsSecret(),
          ...(otlpHeaders ? { [OTLP_HEADERS_VARIABLE]: otlpHeaders.ecsSecret() } : {}),
        },
      });
      new CfnOutput(this, 'RouterUrl', { value: this.service.url, description: 'Base URL of vrouter serve (admin API, POST /v1/events): VROUTER_URL for the CLI.' });
    }

    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The DynamoDB table (VROUTER_TABLE).' });
    new CfnOutput(this, 'QueueUrl', { value: this.functions.queue.queueUrl, description: 'Send CloudEvents here to have them routed.' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.functions.deadLetterQueue.queueUrl, description: 'Messages the router failed maxReceiveCount times.' });
    new CfnOutput(this, 'EventBridgeDeadLetterQueueUrl', {
      value: this.functions.eventBridgeDeadLetterQueue.queueUrl,
      description: 'EventBridge events that could not be delivered or processed.',
    });
    new CfnOutput(this, 'EventBridgeFunctionName', { value: this.functions.eventBridgeFunction.functionName });
    new CfnOutput(this, 'QueueFunctionName', { value: this.functions.queueFunction.functionName });
  }
}
