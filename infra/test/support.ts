import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../src/app.js';
import { deepMerge, parseConfig } from '../src/config.js';

/** A full configuration exercising every kind of component and secret; tests override parts of it. */
export const FIXTURE = {
  stackName: 'vrouter-test',
  components: {
    lambdaFunctionArns: ['arn:aws:lambda:eu-west-1:111122223333:function:release-coordinator:*', 'arn:aws:lambda:eu-west-1:111122223333:function:builder:live'],
    ecsTaskDefinitions: [
      {
        family: 'release-reporter',
        taskRoleArn: 'arn:aws:iam::111122223333:role/release-reporter-task',
        executionRoleArn: 'arn:aws:iam::111122223333:role/release-reporter-execution',
      },
      { family: 'nightly-audit', taskRoleArn: 'arn:aws:iam::111122223333:role/nightly-audit-task' },
    ],
  },
  adminToken: { ssmParameter: '/vrouter/admin-token' },
  telemetry: {
    otlpEndpoint: 'https://api.honeycomb.io',
    otlpHeaders: { secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:vrouter/otlp-headers-AbCdEf' },
  },
  lambda: { runtime: 'nodejs22.x', timeoutSeconds: 60 },
  eventBridge: {
    busName: 'platform-events',
    eventPattern: { source: ['com.example.builds'], 'detail-type': [{ prefix: 'build.' }], detail: { customerId: [{ exists: true }] } },
    retryAttempts: 24,
    maxEventAgeSeconds: 3600,
  },
  queue: { maxReceiveCount: 7, batchSize: 5 },
  service: { image: 'ghcr.io/example/vrouter:1.2.3', accessLogs: false },
} as const;

/** Stand-in for the router's package: tests check the template, not the code. */
const CODE = Code.fromInline('exports.handler = async () => {};');

export interface Synthesized {
  readonly template: Template;
  readonly json: Template['toJSON'] extends () => infer T ? T : never;
  readonly annotations: Annotations;
  readonly stack: ReturnType<typeof buildApp>['stack'];
}

/** Builds the app from FIXTURE with `overrides` deep-merged over it, and synthesizes it once. */
export function synth(overrides: Record<string, unknown> = {}): Synthesized {
  const config = parseConfig(deepMerge(FIXTURE, overrides));
  const { stack } = buildApp({ config, routerCode: CODE, cloudFormationValidation: false });
  const template = Template.fromStack(stack);
  return { template, json: template.toJSON(), annotations: Annotations.fromStack(stack), stack };
}

export type Json = Record<string, unknown>;

export interface Resource {
  readonly id: string;
  readonly Type: string;
  readonly Properties: Json;
  readonly Metadata?: Json;
  readonly DeletionPolicy?: string;
}

export function resources(json: Json, type?: string): Resource[] {
  return Object.entries(json.Resources as Record<string, Omit<Resource, 'id'>>)
    .map(([id, resource]) => ({ id, ...resource, Properties: resource.Properties ?? {} }))
    .filter((resource) => type === undefined || resource.Type === type);
}

export function only(json: Json, type: string): Resource {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** Renders intrinsic functions as readable strings: {Ref: X} → ${X}, Fn::GetAtt → ${X.Attr}, Fn::Join joined. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as Json;
    if ('Ref' in v) return `\${${v.Ref as string}}`;
    if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
  }
  return JSON.stringify(value);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Json;
}

export const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
export const resourcesOf = (statement: Statement): string[] => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(render);

/** Every statement of every AWS::IAM::Policy attached to the role with logical id `roleId`. */
export function statementsOf(json: Json, roleId: string): Statement[] {
  return resources(json, 'AWS::IAM::Policy')
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Logical id of the role a resource's property points at with Fn::GetAtt [role, Arn]. */
export function roleIdOf(resource: Resource, property: string): string {
  return ((resource.Properties[property] as Json)['Fn::GetAtt'] as string[])[0]!;
}
