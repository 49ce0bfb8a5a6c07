import type { FastifyInstance } from 'fastify';
import { VrouterError } from '@vrouter/core';
import type { AppDependencies } from '../app-deps.js';
import { healthzSchema, readyzSchema } from '../openapi/health.js';

export async function healthRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  app.get('/healthz', { schema: healthzSchema }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: readyzSchema }, async () => {
    try {
      await deps.checkReady();
    } catch (error) {
      throw new VrouterError('VR_STORE_UNAVAILABLE', 'The store could not be reached.', { cause: error });
    }
    return { status: 'ready', configRevision: deps.cache.current().revision };
  });
}
