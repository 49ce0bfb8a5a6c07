import { AddressPolicy, describeRefusal } from './address-policy.js';
import { ValidationError } from './errors.js';
import { LAMBDA_INVOCATION_TYPES, type LambdaInvocationType, type Target, TARGET_KINDS } from './model.js';

type Fields = Record<string, unknown>;

function text(input: Fields, name: string, max = 512): string {
  const value = input[name];
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new ValidationError(`target.${name}`, `target.${name} is required: a non-empty string of at most ${max} characters.`);
  }
  return value;
}

function lambdaTarget(input: Fields): Target {
  const functionName = text(input, 'functionName', 170);
  const qualifier = text(input, 'qualifier', 128);
  // $LATEST moves under you: a registered version must name something immutable (a version number or alias).
  if (qualifier === '$LATEST') throw new ValidationError('target.qualifier', 'target.qualifier cannot be $LATEST: name a published version or an alias.');
  if (!/^[a-zA-Z0-9$_-]+$/.test(qualifier)) throw new ValidationError('target.qualifier', 'target.qualifier must be a Lambda version number or alias name.');
  const invocationType = (input.invocationType ?? 'RequestResponse') as LambdaInvocationType;
  if (!LAMBDA_INVOCATION_TYPES.includes(invocationType)) {
    throw new ValidationError('target.invocationType', `target.invocationType must be one of ${LAMBDA_INVOCATION_TYPES.join(', ')}.`);
  }
  return { kind: 'lambda', functionName, qualifier, invocationType };
}

function ecsTarget(input: Fields): Target {
  const taskDefinition = text(input, 'taskDefinition');
  // family:revision pins an immutable task definition; a bare family would follow the latest revision.
  if (!/^(arn:[^:]+:ecs:[^:]*:\d*:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/.test(taskDefinition)) {
    throw new ValidationError('target.taskDefinition', 'target.taskDefinition must be family:revision (or its ARN).');
  }
  const launchType = input.launchType ?? 'FARGATE';
  if (!['FARGATE', 'EC2', 'EXTERNAL'].includes(launchType as string)) throw new ValidationError('target.launchType', 'target.launchType must be FARGATE, EC2 or EXTERNAL.');
  const network = input.networkConfiguration;
  if (network !== undefined && (typeof network !== 'object' || network === null || Array.isArray(network))) {
    throw new ValidationError('target.networkConfiguration', 'target.networkConfiguration must be an object (the ECS RunTask networkConfiguration).');
  }
  return {
    kind: 'ecs',
    cluster: text(input, 'cluster'),
    taskDefinition,
    containerName: text(input, 'containerName', 255),
    launchType: launchType as 'FARGATE' | 'EC2' | 'EXTERNAL',
    ...(network ? { networkConfiguration: network as Record<string, unknown> } : {}),
  };
}

function httpTarget(input: Fields, policy: AddressPolicy): Target {
  const raw = text(input, 'url', 2048);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('target.url', 'target.url must be an absolute http(s) URL.');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') throw new ValidationError('target.url', 'target.url must be an http(s) URL with a host.');
  if (url.username || url.password) throw new ValidationError('target.url', 'target.url must not embed credentials.');
  const refusal = policy.urlAllowed(url);
  if (refusal) throw new ValidationError('target.url', `target.url is refused: ${describeRefusal(refusal)}.`, 'VR_TARGET_FORBIDDEN');
  const timeoutMs = input.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 900_000) {
    throw new ValidationError('target.timeoutMs', 'target.timeoutMs must be an integer from 1 to 900000.');
  }
  return { kind: 'http', url: url.toString(), timeoutMs };
}

/** With no allow list: https to public addresses only. */
const DEFAULT_POLICY = new AddressPolicy();

/**
 * Validates a version's target as registered through the admin API; throws ValidationError naming the field
 * (VR_TARGET_FORBIDDEN for an HTTP URL the address policy refuses).
 */
export function parseTarget(input: unknown, policy: AddressPolicy = DEFAULT_POLICY): Target {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('target', 'target must be an object with a kind.');
  const fields = input as Fields;
  switch (fields.kind) {
    case 'lambda':
      return lambdaTarget(fields);
    case 'ecs':
      return ecsTarget(fields);
    case 'http':
      return httpTarget(fields, policy);
    default:
      throw new ValidationError('target.kind', `target.kind must be one of ${TARGET_KINDS.join(', ')}.`);
  }
}
