import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { InfraConfig, RouterSettings, SecretSource } from './config.js';
import { type SecretSourceProps, VersionRouter, type VersionRouterProps } from './version-router.js';

export interface RouterStackProps extends StackProps {
  readonly config: InfraConfig;
  /** The router's Lambda code; default the bundle built into this package (tests pass a stand-in). */
  readonly routerCode?: Code;
}

/**
 * The repository's deployment: one stack named by the configuration holding one VersionRouter, its outputs, and the
 * configuration's tags. The account always comes from the deploying credentials; the region too unless configured.
 */
export class RouterStack extends Stack {
  readonly router: VersionRouter;

  constructor(scope: Construct, id: string, props: RouterStackProps) {
    const { config, routerCode, ...stackProps } = props;
    super(scope, id, {
      description: 'Version Router: routes events to the component versions customers are pinned to.',
      env: config.region ? { region: config.region } : undefined,
      ...stackProps,
    });
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);

    const { stackName: _name, region: _region, tags: _tags, ...settings } = config;
    // "Default" keeps the router's resources at the logical IDs they had when they sat directly in this stack.
    this.router = new VersionRouter(this, 'Default', { ...toProps(settings), ...(routerCode ? { code: routerCode } : {}) });
    const { table, functions, service } = this.router;

    if (service) {
      new CfnOutput(this, 'RouterUrl', { value: service.url, description: 'Base URL of vrouter serve (admin API, POST /v1/events): VROUTER_URL for the CLI.' });
    }
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The DynamoDB table (VROUTER_TABLE).' });
    new CfnOutput(this, 'QueueUrl', { value: functions.queue.queueUrl, description: 'Send CloudEvents here to have them routed.' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: functions.deadLetterQueue.queueUrl, description: 'Messages the router failed maxReceiveCount times.' });
    new CfnOutput(this, 'EventBridgeDeadLetterQueueUrl', {
      value: functions.eventBridgeDeadLetterQueue.queueUrl,
      description: 'EventBridge events that could not be delivered or processed.',
    });
    new CfnOutput(this, 'EventBridgeFunctionName', { value: functions.eventBridgeFunction.functionName });
    new CfnOutput(this, 'QueueFunctionName', { value: functions.queueFunction.functionName });
  }
}

/** The parsed configuration back in VersionRouter's props shape (which differs only in how a secret is named). */
function toProps(settings: RouterSettings): VersionRouterProps {
  const { adminToken, telemetry, ...rest } = settings;
  return {
    ...(rest as Omit<VersionRouterProps, 'adminToken' | 'telemetry'>),
    adminToken: secretProps(adminToken),
    ...(telemetry ? { telemetry: { ...telemetry, otlpHeaders: telemetry.otlpHeaders ? secretProps(telemetry.otlpHeaders) : undefined } as VersionRouterProps['telemetry'] } : {}),
  };
}

function secretProps(source: SecretSource): SecretSourceProps {
  const key = source.kmsKeyArn ? { kmsKeyArn: source.kmsKeyArn } : {};
  return source.kind === 'secretsManager' ? { secretArn: source.arn, ...key } : { ssmParameter: source.name, ...key };
}
