import { json, operation } from './operation.js';

export const healthzSchema = operation({
  operationId: 'healthz',
  summary: 'The process is up',
  tag: 'health',
  anonymous: true,
  responses: { 200: json('Up.', { type: 'object', additionalProperties: false, required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } }) },
});

export const readyzSchema = operation({
  operationId: 'readyz',
  summary: 'The store is reachable',
  description: 'Answers within a second either way: 503 VR_STORE_UNAVAILABLE (with Retry-After) while the store cannot be read.',
  tag: 'health',
  anonymous: true,
  responses: {
    200: json('Ready.', {
      type: 'object',
      additionalProperties: false,
      required: ['status', 'configRevision'],
      properties: { status: { type: 'string', enum: ['ready'] }, configRevision: { type: 'integer', description: 'The configuration revision this router routes with.' } },
    }),
  },
});
