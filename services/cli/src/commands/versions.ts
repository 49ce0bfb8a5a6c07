import type { Target } from '@vrouter/client';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { channelsOf, describeTarget } from './format.js';
import { change, leaf, noun, positiveInteger, run, withReason } from './run.js';
import { formatTable } from './table.js';

interface TargetOptions {
  lambda?: string;
  async?: boolean;
  http?: string;
  timeoutMs?: number;
  ecsCluster?: string;
  ecsTaskDefinition?: string;
  ecsContainer?: string;
}

/** Builds the target from exactly one of --lambda, --http or the --ecs-* trio; throws UsageError otherwise. */
export function targetFromOptions(options: TargetOptions): Target {
  const ecs = [options.ecsCluster, options.ecsTaskDefinition, options.ecsContainer];
  const kinds = [options.lambda !== undefined, options.http !== undefined, ecs.some((v) => v !== undefined)].filter(Boolean).length;
  if (kinds !== 1) throw new UsageError('Give exactly one target: --lambda <function>:<qualifier>, --http <url>, or --ecs-cluster with --ecs-task-definition and --ecs-container.');
  if (options.async && options.lambda === undefined) throw new UsageError('--async applies to --lambda only.');
  if (options.timeoutMs !== undefined && options.http === undefined) throw new UsageError('--timeout-ms applies to --http only.');
  if (options.lambda !== undefined) {
    // Split at the last colon: a function ARN has colons of its own.
    const at = options.lambda.lastIndexOf(':');
    if (at <= 0 || at === options.lambda.length - 1) throw new UsageError('--lambda must be <function>:<qualifier>, e.g. release-coordinator:23.');
    return {
      kind: 'lambda',
      functionName: options.lambda.slice(0, at),
      qualifier: options.lambda.slice(at + 1),
      invocationType: options.async ? 'Event' : 'RequestResponse',
    };
  }
  if (options.http !== undefined) return { kind: 'http', url: options.http, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
  const [cluster, taskDefinition, containerName] = ecs;
  if (!cluster || !taskDefinition || !containerName) throw new UsageError('An ECS target needs --ecs-cluster, --ecs-task-definition and --ecs-container.');
  return { kind: 'ecs', cluster, taskDefinition, containerName };
}

/** `vrouter versions list|register|remove`. */
export function registerVersions(program: Command): void {
  const versions = noun(program, 'versions', 'Register and remove versions of a component.');

  leaf(versions, 'list', 'List the versions of a component with their targets and channels.')
    .argument('<component>', 'component name')
    .action(
      run(async (client, [component]) => {
        const answer = await client.components.get(component!);
        return {
          answer,
          text: () =>
            answer.versions.length === 0
              ? `${answer.name} has no versions`
              : formatTable(
                  ['VERSION', 'TARGET', 'CHANNELS', 'REGISTERED'],
                  answer.versions.map((v) => [v.name, describeTarget(v.target), channelsOf(answer.channels, v.name), v.registeredAt]),
                ),
        };
      }),
    );

  withReason(leaf(versions, 'register', 'Register (or re-register) a version with its target.'))
    .argument('<component>', 'component name')
    .argument('<version>', 'version name, e.g. v23')
    .option('--lambda <function:qualifier>', 'a Lambda function and its published version or alias')
    .option('--async', 'invoke the Lambda asynchronously (InvocationType Event)')
    .option('--http <url>', 'an HTTP endpoint that receives each event as a POST')
    .option('--timeout-ms <n>', 'HTTP timeout in milliseconds', positiveInteger)
    .option('--ecs-cluster <cluster>', 'ECS cluster that runs the task')
    .option('--ecs-task-definition <family:revision>', 'ECS task definition, pinned to a revision')
    .option('--ecs-container <name>', 'container that receives the event')
    .action(
      run<TargetOptions & { reason?: string }>(async (client, [component, version], options) => {
        const answer = await client.versions.put(component!, version!, targetFromOptions(options), change(options));
        return { answer, text: () => `registered ${answer.component} ${answer.name}: ${describeTarget(answer.target)}` };
      }),
    );

  leaf(versions, 'remove', 'Remove a version; refused (exit 4) while a channel or live pin uses it.')
    .argument('<component>', 'component name')
    .argument('<version>', 'version name')
    .action(
      run(async (client, [component, version]) => {
        await client.versions.delete(component!, version!);
        return { answer: {}, text: () => `removed ${component} ${version}` };
      }),
    );
}
