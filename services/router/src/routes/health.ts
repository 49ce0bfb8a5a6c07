import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { VrouterError } from '@vrouter/core';
import type { AppDependencies } from '../app-deps.js';
import { healthzSchema, readyzSchema } from '../openapi/routes.js';

/** /readyz answers within this long either way: a probe must not hang on a stalled store. */
export const READY_TIMEOUT_MS = 900;

/** Resolves when `check` does, rejects when it rejects or has not settled within `ms`. */
function within(check: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The store did not answer within ${ms} ms.`)), ms);
  });
  return Promise.race([check, timeout]).finally(() => clearTimeout(timer));
}

export async function healthRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/healthz', { schema: healthzSchema }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: readyzSchema }, async () => {
    try {
      const check = deps.checkReady();
      check.catch(() => undefined); // answered by the timeout; its own failure comes later and is not news
      await within(check, READY_TIMEOUT_MS);
    } catch (error) {
      throw new VrouterError('VR_STORE_UNAVAILABLE', 'The store could not be reached.', { cause: error });
    }
    return { status: 'ready', configRevision: deps.cache.current().revision };
  });
}
