export { LocalLambdaServer, SYNC_PAYLOAD_LIMIT, EVENT_PAYLOAD_LIMIT } from './server.js';
export type { LocalLambdaServerOptions } from './server.js';
export { exampleHandler } from './example-handler.js';
export type { ExampleResult } from './example-handler.js';
export type { LocalHandler, LocalInvocationContext, Invocation, InvocationType, ApiErrorSpec } from './types.js';
