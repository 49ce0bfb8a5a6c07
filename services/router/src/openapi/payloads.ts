import { json, operation, pathParams } from './operation.js';

export const getPayloadSchema = operation({
  operationId: 'getPayload',
  summary: 'The event an ECS task was started for, by reference',
  description:
    'ECS container overrides hold at most 8 KiB, so a larger event reaches its task as VROUTER_EVENT_URL (this route) and VROUTER_EVENT_TOKEN. The signed token in the path names one event and expires (15 minutes); no bearer token is needed. Served only when VROUTER_PUBLIC_URL is set.',
  tag: 'events',
  anonymous: true,
  params: pathParams({ token: { type: 'string', description: 'As handed to the task in VROUTER_EVENT_TOKEN.' } }),
  responses: {
    200: json('The CloudEvent with the dispatch metadata (`vrouter`).', {
      type: 'object',
      required: ['specversion', 'id', 'source', 'type', 'vrouter'],
      additionalProperties: true,
    }),
  },
});
