export { LocalLambdaServer, SYNC_PAYLOAD_LIMIT, EVENT_PAYLOAD_LIMIT } from './server.js';
export type { LocalLambdaServerOptions } from './server.js';
export { exampleHandler, followUpOf } from './example-handler.js';
export type { ExampleOptions, ExampleResult } from './example-handler.js';
export type { LocalHandler, LocalInvocationContext, Invocation, InvocationType, ApiErrorSpec } from './types.js';
export { LocalHttpTarget } from './http-target.js';
export type { LocalHttpTargetOptions } from './http-target.js';
export type { RecordedHttpRequest, LocalHttpReply, LocalHttpHandler, FailNextOptions } from './http-target-types.js';
export { LocalEcsServer, ECS_OVERRIDES_LIMIT } from './ecs-server.js';
export type { LocalEcsServerOptions, TaskDefinitionOptions } from './ecs-server.js';
export { containerEnvironment } from './ecs-environment.js';
export type {
  EcsKeyValuePair,
  EcsContainerOverride,
  EcsTaskOverride,
  StartedTask,
  RunTaskOutcome,
  RunTaskCall,
  EcsErrorSpec,
  EcsFailureSpec,
} from './ecs-types.js';
export { LocalSqsServer } from './sqs-server.js';
export type { LocalSqsServerOptions } from './sqs-server.js';
export { md5OfBody, md5OfMessageAttributes } from './sqs-md5.js';
export type { SqsMessageAttribute, SqsHistoryEntry, SqsHistoryKind, SqsStoredMessage, SqsErrorSpec } from './sqs-types.js';
