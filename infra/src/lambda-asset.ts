/** Lambda handler strings, relative to the root of the router's Lambda asset (router-bundle.ts builds it). */
export const ROUTER_HANDLERS = {
  eventBridge: 'eventbridge.handler',
  sqs: 'sqs.handler',
} as const;

/** Where the telemetry bootstrap sits in the deployed asset (Lambda puts the code at /var/task). */
export const LAMBDA_TELEMETRY_REGISTER = '/var/task/telemetry.mjs';
