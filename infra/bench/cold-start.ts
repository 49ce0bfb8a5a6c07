// Cold start of each router handler: a fresh node process imports the handler and answers its first event (against
// the embedded store and the local Lambda endpoint; see test/lambda-world.ts). Prints the median of `runs` runs.
//   node --import tsx bench/cold-start.ts [runs] [<label>=<directory holding eventbridge and sqs handler files>...]
// Default: the bundle in infra/lambda. For the unbundled package: node --import tsx bin/router-package.ts /tmp/pkg,
// then pass unbundled=/tmp/pkg/services/router/dist/lambda.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventBridgeEvent, sqsEvent, startLambdaWorld } from '../test/lambda-world.js';

const [runsArg, ...targets] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const dirs = (targets.length > 0 ? targets : [`bundled=${fileURLToPath(new URL('../lambda', import.meta.url))}`]).map((arg) => arg.split('=') as [string, string]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const file = (dir: string, name: string) => [`${name}.mjs`, `${name}.js`].map((f) => join(dir, f)).find(existsSync)!;

const world = await startLambdaWorld();
try {
  for (const [label, dir] of dirs) {
    for (const [name, event] of [
      ['eventbridge', eventBridgeEvent],
      ['sqs', sqsEvent],
    ] as const) {
      const imports: number[] = [];
      const firsts: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const answer = await world.invoke(file(dir, name), event());
        imports.push(answer.importMs);
        firsts.push(answer.firstEventMs);
      }
      process.stdout.write(`${label} ${name}: import ${median(imports).toFixed(0)} ms, first event answered ${median(firsts).toFixed(0)} ms (median of ${runs})\n`);
    }
  }
} finally {
  await world.close();
}
