import type { exampleHandler, LocalLambdaServer } from '@vrouter/local-targets';
import type { startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';

/** What dev mode runs beside the router: the embedded store and the local Lambda endpoint. */
export interface DevDependencies {
  readonly startEmbeddedDynamo: typeof startEmbeddedDynamo;
  readonly LocalLambdaServer: typeof LocalLambdaServer;
  readonly exampleHandler: typeof exampleHandler;
}

/**
 * Loads dev mode's own packages on demand. They are development dependencies (optional peers of the published
 * router), so a production install, the Lambda bundle and the container image never carry dynalite, LevelDB or the
 * local targets; only `vrouter dev` needs them. Throws an Error saying what to install when one is missing.
 */
export async function loadDevDependencies(): Promise<DevDependencies> {
  try {
    const [{ startEmbeddedDynamo }, { LocalLambdaServer, exampleHandler }] = await Promise.all([import('@vrouter/store-dynamodb/embedded'), import('@vrouter/local-targets')]);
    return { startEmbeddedDynamo, LocalLambdaServer, exampleHandler };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      `Dev mode needs its development packages (${error instanceof Error ? error.message : error}): install them with npm install --save-dev dynalite @vrouter/local-targets, or run from the repository after npm install.`,
      { cause: error },
    );
  }
}
