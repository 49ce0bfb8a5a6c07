import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Stack, Token } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InfraConfigError, type LambdaRuntime, parseRouterSettings, type RouterSettings } from './config.js';
import { LAMBDA_TELEMETRY_REGISTER } from './lambda-asset.js';
import { RouterFunctions } from './router-functions.js';
import { RouterService } from './router-service.js';
import { SecretReference } from './secrets.js';
import { RouterTable } from './table.js';

/** Variables whose values are secrets; processes get where each lives (see SecretReference.locator), never the value. */
export const ADMIN_TOKEN_VARIABLE = 'VROUTER_ADMIN_TOKEN';
export const OTLP_HEADERS_VARIABLE = 'OTEL_EXPORTER_OTLP_HEADERS';

/** Where a secret lives: a Systems Manager SecureString parameter or a Secrets Manager secret (complete ARN). */
export type SecretSourceProps = { readonly ssmParameter: string; readonly kmsKeyArn?: string } | { readonly secretArn: string; readonly kmsKeyArn?: string };

/**
 * A VersionRouter's props: the fields of the repository app's configuration file (infra/README.md documents each and
 * its default) other than stackName, region and tags, which belong to the stack. Validated when constructed: a bad
 * value throws an Error naming its field (`components.lambdaFunctionArns[1]: ...`).
 */
export interface VersionRouterProps {
  /** The router's Lambda code. Default: the bundle shipped with this package (`lambda/`, see routerLambdaCode). */
  readonly code?: Code;
  /** Physical table name; CloudFormation generates one when omitted. */
  readonly tableName?: string;
  /** CloudWatch Logs retention in days (a value CloudWatch accepts); default 30. */
  readonly logRetentionDays?: number;
  /** What the router may start: qualified Lambda ARNs (`:alias`, `:version` or `:*`) and ECS task families. */
  readonly components: {
    readonly lambdaFunctionArns?: readonly string[];
    readonly ecsTaskDefinitions?: readonly { readonly family: string; readonly taskRoleArn?: string; readonly executionRoleArn?: string }[];
  };
  /** Where the admin token lives. The value never enters the template. */
  readonly adminToken: SecretSourceProps;
  /** OTLP export (e.g. Honeycomb): endpoint, headers from a secret, service name (default `vrouter`). */
  readonly telemetry?: { readonly otlpEndpoint: string; readonly otlpHeaders?: SecretSourceProps; readonly serviceName?: string };
  /** The two router functions. Default runtime `nodejs22.x`; memory 1024 MB; timeout 120 s; x86_64. */
  readonly lambda?: {
    readonly runtime?: LambdaRuntime;
    readonly memorySize?: number;
    readonly timeoutSeconds?: number;
    readonly architecture?: 'arm64' | 'x86_64';
    readonly reservedConcurrency?: number;
    /** Extra plain (non-secret) variables; the router's own names and secrets are refused. */
    readonly environment?: Readonly<Record<string, string>>;
  };
  /** The rule feeding the EventBridge function: bus (name or ARN; default `default`) and event pattern. */
  readonly eventBridge: {
    readonly busName?: string;
    readonly eventPattern: Readonly<Record<string, unknown>>;
    readonly retryAttempts?: number;
    readonly maxEventAgeSeconds?: number;
  };
  /** The queue feeding the queue function, and its event source. */
  readonly queue?: { readonly maxReceiveCount?: number; readonly batchSize?: number; readonly maxBatchingWindowSeconds?: number; readonly maxConcurrency?: number };
  /** `vrouter serve` on ECS Fargate behind a load balancer; off unless `enabled`. */
  readonly service?: {
    readonly enabled?: boolean;
    readonly image?: string;
    readonly desiredCount?: number;
    readonly cpu?: number;
    readonly memoryMiB?: number;
    readonly certificateArn?: string;
    readonly allowedCidrs?: readonly string[];
    readonly internetFacing?: boolean;
    readonly accessLogs?: boolean;
    readonly vpc?: {
      readonly vpcId: string;
      readonly availabilityZones: readonly string[];
      readonly publicSubnetIds: readonly string[];
      readonly privateSubnetIds: readonly string[];
    };
    readonly environment?: Readonly<Record<string, string>>;
  };
}

/** The router bundle shipped in this package (built by `npm run build`; see router-bundle.ts). */
export function routerLambdaCode(): Code {
  const directory = fileURLToPath(new URL('../lambda', import.meta.url));
  if (!existsSync(directory)) throw new Error(`${directory} does not exist: build @vrouter/infra (npm run build) to bundle the router, or pass VersionRouter's code.`);
  return Code.fromAsset(directory);
}

/**
 * Version Router in any stack: the table (RouterTable), the router on Lambda fed by EventBridge and SQS
 * (RouterFunctions), and optionally `vrouter serve` on ECS Fargate behind a load balancer (RouterService), with
 * least-privilege roles and the cdk-nag suppressions each resource needs (each with its reason). Add
 * `AwsSolutionsChecks` to the app to have cdk-nag check them. Throws an Error naming the field when a prop is invalid.
 */
export class VersionRouter extends Construct {
  readonly settings: RouterSettings;
  readonly table: RouterTable;
  readonly functions: RouterFunctions;
  readonly service: RouterService | undefined;

  constructor(scope: Construct, id: string, props: VersionRouterProps) {
    super(scope, id);
    const { code, ...fields } = props;
    const settings = parseRouterSettings(fields);
    this.settings = settings;
    const region = Stack.of(this).region;
    if (settings.service.enabled && settings.service.accessLogs && Token.isUnresolved(region)) {
      throw new InfraConfigError(
        'service.accessLogs',
        "needs a stack with an explicit region (the log bucket's policy names the region's load balancing account); give the stack env.region, or set service.accessLogs to false.",
      );
    }

    this.table = new RouterTable(this, 'Table', { tableName: settings.tableName, indexProjection: settings.tableIndexProjection });
    const adminToken = new SecretReference(this, 'AdminToken', settings.adminToken);
    const otlpHeaders = settings.telemetry?.otlpHeaders ? new SecretReference(this, 'OtlpHeaders', settings.telemetry.otlpHeaders) : undefined;
    const telemetry: Record<string, string> = settings.telemetry
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: settings.telemetry.otlpEndpoint, OTEL_SERVICE_NAME: settings.telemetry.serviceName }
      : {};

    this.functions = new RouterFunctions(this, 'Router', {
      code: code ?? routerLambdaCode(),
      table: this.table,
      settings,
      // Lambda cannot inject secrets into the environment: the router reads each from where its locator points.
      environment: {
        ...settings.lambda.environment,
        VROUTER_TABLE: this.table.tableName,
        ...telemetry,
        // Lambda runs the handler module directly: load OpenTelemetry first, as the router's launchers do for serve.
        ...(settings.telemetry ? { NODE_OPTIONS: `--import=${LAMBDA_TELEMETRY_REGISTER}` } : {}),
        ...adminToken.locator(ADMIN_TOKEN_VARIABLE),
        ...(otlpHeaders?.locator(OTLP_HEADERS_VARIABLE) ?? {}),
      },
      grantSecrets: (role: Role) => {
        adminToken.grantRead(role);
        otlpHeaders?.grantRead(role);
      },
    });

    if (settings.service.enabled) {
      this.service = new RouterService(this, 'Service', {
        config: settings.service,
        components: settings.components,
        logRetentionDays: settings.logRetentionDays,
        table: this.table,
        environment: { VROUTER_TABLE: this.table.tableName, ...telemetry },
        // ECS resolves these when a task starts and sets them as the variables themselves.
        secrets: {
          [ADMIN_TOKEN_VARIABLE]: adminToken.ecsSecret(),
          ...(otlpHeaders ? { [OTLP_HEADERS_VARIABLE]: otlpHeaders.ecsSecret() } : {}),
        },
      });
    }
  }
}
