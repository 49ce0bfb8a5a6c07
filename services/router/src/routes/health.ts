import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { VrouterError } from '@vrouter/core';
import type { AppDependencies } from '../app-deps.js';
import { healthzSchema, readyzSchema } from '../openapi/routes.js';

export async function healthRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
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
