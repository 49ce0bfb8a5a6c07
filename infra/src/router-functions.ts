import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type Code, Function as LambdaFn, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { LambdaRuntime, RouterSettings } from './config.js';
import { grantRouterAccess } from './router-access.js';
import { ROUTER_HANDLERS } from './lambda-asset.js';

export interface RouterFunctionsProps {
  /** The router's Lambda code (see router-bundle.ts); its handlers are ROUTER_HANDLERS. */
  readonly code: Code;
  readonly table: ITable;
  readonly settings: RouterSettings;
  /** Environment shared by both functions: table, secret locators, telemetry. */
  readonly environment: Record<string, string>;
  /** Grants read access to the secrets the router fetches at start. */
  readonly grantSecrets: (role: Role) => void;
}

/**
 * The router on Lambda, fed two ways:
 * - an EventBridge rule (configured bus and pattern) invokes `eventBridgeFunction` asynchronously; events that
 *   EventBridge cannot deliver, and invocations that still fail after Lambda's retries, land in
 *   `eventBridgeDeadLetterQueue`;
 * - `queue` feeds `queueFunction` through an SQS event source that reports partial batch failures; a message that
 *   fails `maxReceiveCount` times moves to `deadLetterQueue`.
 * Each function has its own role and log group: the router's access (see grantRouterAccess), its secrets, its
 * log group, and for the queue function consuming its queue.
 */
export class RouterFunctions extends Construct {
  readonly eventBridgeFunction: LambdaFn;
  readonly queueFunction: LambdaFn;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly eventBridgeDeadLetterQueue: Queue;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RouterFunctionsProps) {
    super(scope, id);
    const { settings: config } = props;
    const timeout = Duration.seconds(config.lambda.timeoutSeconds);

    const routerFunction = (name: string, handler: string, description: string): LambdaFn => {
      const logGroup = new LogGroup(this, `${name}Logs`, { retention: config.logRetentionDays as RetentionDays });
      // Own role instead of the default one: the default attaches the AWS managed AWSLambdaBasicExecutionRole,
      // which may write to any log group. This one writes to its function's log group only.
      const role = new Role(this, `${name}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `Runs ${description}` });
      logGroup.grantWrite(role);
      grantRouterAccess(role, role, { table: props.table, components: config.components });
      props.grantSecrets(role);
      const fn = new LambdaFn(this, name, {
        description,
        runtime: RUNTIMES[config.lambda.runtime],
        code: props.code,
        handler,
        role,
        logGroup,
        memorySize: config.lambda.memorySize,
        timeout,
        architecture: config.lambda.architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
        reservedConcurrentExecutions: config.lambda.reservedConcurrency,
        environment: props.environment,
      });
      if (config.lambda.runtime !== LATEST_RUNTIME) {
        NagSuppressions.addResourceSuppressions(fn, [
          {
            id: 'AwsSolutions-L1',
            reason: `The runtime is chosen in the configuration (lambda.runtime: ${config.lambda.runtime}), a maintained Node.js the router is built and tested on; ${LATEST_RUNTIME} is selectable.`,
          },
        ]);
      }
      return fn;
    };

    const deadLetterQueue = (name: string) => new Queue(this, name, { retentionPeriod: Duration.days(14), enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED });

    this.eventBridgeDeadLetterQueue = deadLetterQueue('EventBridgeDeadLetterQueue');
    NagSuppressions.addResourceSuppressions(this.eventBridgeDeadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter queue: EventBridge sends the events it could not deliver to the router here, and Lambda the asynchronous invocations that failed every retry.',
      },
    ]);
    this.eventBridgeFunction = routerFunction('EventBridgeFunction', ROUTER_HANDLERS.eventBridge, 'the Version Router for events from EventBridge');
    this.eventBridgeFunction.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.eventBridgeDeadLetterQueue) });
    this.rule = new Rule(this, 'Rule', {
      description: 'Sends matching events to the Version Router.',
      eventBus: eventBus(this, config.eventBridge.busName),
      eventPattern: toEventPattern(config.eventBridge.eventPattern),
      targets: [
        new LambdaFunction(this.eventBridgeFunction, {
          deadLetterQueue: this.eventBridgeDeadLetterQueue,
          retryAttempts: config.eventBridge.retryAttempts,
          maxEventAge: Duration.seconds(config.eventBridge.maxEventAgeSeconds),
        }),
      ],
    });

    this.deadLetterQueue = deadLetterQueue('DeadLetterQueue');
    this.queue = new Queue(this, 'Queue', {
      // AWS's advice for an SQS event source: at least six times the function timeout, so retries by Lambda
      // within one receive do not make the message visible again.
      visibilityTimeout: Duration.seconds(config.lambda.timeoutSeconds * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.queue.maxReceiveCount },
      enforceSSL: true,
      encryption: QueueEncryption.SQS_MANAGED,
    });
    this.queueFunction = routerFunction('QueueFunction', ROUTER_HANDLERS.sqs, 'the Version Router for events from SQS');
    this.queueFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: config.queue.batchSize,
        maxBatchingWindow: config.queue.maxBatchingWindowSeconds > 0 ? Duration.seconds(config.queue.maxBatchingWindowSeconds) : undefined,
        maxConcurrency: config.queue.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}

/** The newest Node.js runtime this stack offers: cdk-nag's AwsSolutions-L1 asks for the latest. */
const LATEST_RUNTIME: LambdaRuntime = 'nodejs24.x';
const RUNTIMES: Record<LambdaRuntime, Runtime> = {
  'nodejs20.x': Runtime.NODEJS_20_X,
  'nodejs22.x': Runtime.NODEJS_22_X,
  'nodejs24.x': Runtime.NODEJS_24_X,
};

function eventBus(scope: Construct, busName: string): IEventBus | undefined {
  if (busName === 'default') return undefined;
  return busName.startsWith('arn:') ? EventBus.fromEventBusArn(scope, 'Bus', busName) : EventBus.fromEventBusName(scope, 'Bus', busName);
}

/** CDK spells the pattern's top-level fields in camelCase and renders them back as EventBridge's names. */
function toEventPattern(pattern: Readonly<Record<string, unknown>>): EventPattern {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) result[key === 'detail-type' ? 'detailType' : key] = value;
  return result as EventPattern;
}
