import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FlowLogDestination, FlowLogTrafficType, type IVpc, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
  type Secret as EcsSecret,
} from 'aws-cdk-lib/aws-ecs';
import { ApplicationLoadBalancer, ApplicationProtocol, ListenerCertificate, SslPolicy } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { InfraConfig, ServiceConfig, VpcImport } from './config.js';
import { grantRouterAccess } from './router-access.js';

/** The port `vrouter serve` listens on inside the container. */
export const CONTAINER_PORT = 3000;
/** What the container runs: the repository's launcher, which starts OpenTelemetry, then the router. */
export const SERVE_COMMAND = ['node', 'services/router/bin/serve.js'];

export interface RouterServiceProps {
  readonly config: ServiceConfig;
  readonly components: InfraConfig['components'];
  readonly logRetentionDays: number;
  readonly table: ITable;
  /** Plain environment: table, telemetry endpoint. */
  readonly environment: Record<string, string>;
  /** Secret environment, resolved by ECS when a task starts (the execution role gets read access to each). */
  readonly secrets: Record<string, EcsSecret>;
}

/**
 * `vrouter serve` (admin API, HTTP ingest, replays, recovery sweeps) on ECS Fargate in private subnets, behind an
 * Application Load Balancer that only the configured CIDRs reach: HTTPS when a certificate is configured, else
 * HTTP. The task role has the router's access (grantRouterAccess); the admin token and OTLP headers reach the
 * container through ECS secrets, never as plain values in the task definition.
 */
export class RouterService extends Construct {
  readonly vpc: IVpc;
  readonly cluster: Cluster;
  readonly taskDefinition: FargateTaskDefinition;
  readonly service: FargateService;
  readonly loadBalancer: ApplicationLoadBalancer;
  /** Base URL of the router: http(s)://<load balancer DNS name>. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RouterServiceProps) {
    super(scope, id);
    const { config } = props;
    const retention = props.logRetentionDays as RetentionDays;
    this.vpc = config.vpc ? this.#importVpc(config.vpc) : this.#createVpc(retention);

    this.cluster = new Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: config.cpu,
      memoryLimitMiB: config.memoryMiB,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    grantRouterAccess(this.taskDefinition.taskRole, this.taskDefinition.taskRole, { table: props.table, components: props.components });
    const container = this.taskDefinition.addContainer('router', {
      image: containerImage(this, config.image!),
      command: SERVE_COMMAND,
      environment: { ...config.environment, ...props.environment, HOST: '0.0.0.0', PORT: String(CONTAINER_PORT) },
      secrets: props.secrets,
      logging: LogDrivers.awsLogs({ streamPrefix: 'router', logGroup: new LogGroup(this, 'Logs', { retention }) }),
      portMappings: [{ containerPort: CONTAINER_PORT, name: 'http' }],
      // The router drains on SIGTERM: in-flight dispatches finish, claims waiting to retry are handed back.
      stopTimeout: Duration.seconds(60),
    });
    NagSuppressions.addResourceSuppressions(this.taskDefinition, [
      {
        id: 'AwsSolutions-ECS2',
        reason:
          "Only non-secret settings are plain environment variables (table name, listen address, OTLP endpoint, service name); the admin token and the OTLP headers come from Secrets Manager or SSM through the container definition's secrets.",
      },
    ]);
    if (this.taskDefinition.executionRole && ECR_IMAGE.test(config.image!)) {
      NagSuppressions.addResourceSuppressions(
        this.taskDefinition.executionRole,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: 'ecr:GetAuthorizationToken does not support resource-level permissions; pulling is limited to the configured repository.',
            appliesTo: ['Resource::*'],
          },
        ],
        true,
      );
    }

    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: config.desiredCount,
      assignPublicIp: false,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
    });

    const https = config.certificateArn !== undefined;
    const port = https ? 443 : 80;
    const securityGroup = new SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'Version Router load balancer: reachable from the configured CIDRs only.',
    });
    for (const cidr of config.allowedCidrs) securityGroup.addIngressRule(Peer.ipv4(cidr), Port.tcp(port), `Version Router API from ${cidr}`);
    if (config.allowedCidrs.includes('0.0.0.0/0')) {
      NagSuppressions.addResourceSuppressions(securityGroup, [
        {
          id: 'AwsSolutions-EC23',
          reason:
            'Configured open to the internet (service.allowedCidrs contains 0.0.0.0/0): producers post events and operators call the admin API from anywhere, and every /v1 route requires a bearer token. Narrow service.allowedCidrs to close it.',
        },
      ]);
    }
    this.loadBalancer = new ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: config.internetFacing,
      securityGroup,
      vpcSubnets: { subnetType: config.internetFacing ? SubnetType.PUBLIC : SubnetType.PRIVATE_WITH_EGRESS },
      dropInvalidHeaderFields: true,
    });
    if (config.accessLogs) {
      this.loadBalancer.logAccessLogs(this.#accessLogBucket(props.logRetentionDays), 'alb');
    } else {
      NagSuppressions.addResourceSuppressions(this.loadBalancer, [
        { id: 'AwsSolutions-ELB2', reason: 'Access logs are turned off in the configuration (service.accessLogs: false); the router logs every request itself.' },
      ]);
    }
    const listener = https
      ? this.loadBalancer.addListener('Https', {
          port,
          protocol: ApplicationProtocol.HTTPS,
          certificates: [ListenerCertificate.fromArn(config.certificateArn!)],
          sslPolicy: SslPolicy.RECOMMENDED_TLS,
          open: false,
        })
      : this.loadBalancer.addListener('Http', { port, protocol: ApplicationProtocol.HTTP, open: false });
    if (!https) {
      // No AWS Solutions rule covers ALB listeners (ELB5 is about classic load balancers), so this is a warning
      // on every synth rather than a suppression: bearer tokens would cross the network in clear text.
      Annotations.of(listener).addWarningV2(
        'vrouter:plain-http',
        'The router is served over plain HTTP because service.certificateArn is not set: bearer tokens cross the network unencrypted. Set an ACM certificate ARN for HTTPS.',
      );
    }
    listener.addTargets('Router', {
      port: CONTAINER_PORT,
      protocol: ApplicationProtocol.HTTP,
      targets: [this.service.loadBalancerTarget({ containerName: container.containerName, containerPort: CONTAINER_PORT })],
      // Liveness only: /readyz also checks DynamoDB, and a store hiccup must not take every task out of the target group.
      healthCheck: { path: '/healthz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
      deregistrationDelay: Duration.seconds(30),
    });
    this.url = `${https ? 'https' : 'http'}://${this.loadBalancer.loadBalancerDnsName}`;
  }

  #importVpc(vpc: VpcImport): IVpc {
    return Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: vpc.vpcId,
      availabilityZones: [...vpc.availabilityZones],
      publicSubnetIds: [...vpc.publicSubnetIds],
      privateSubnetIds: [...vpc.privateSubnetIds],
    });
  }

  #createVpc(retention: RetentionDays): Vpc {
    return new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: {
        all: { trafficType: FlowLogTrafficType.ALL, destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, 'FlowLogs', { retention })) },
      },
    });
  }

  #accessLogBucket(retentionDays: number): Bucket {
    const bucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED, // the only encryption load balancer access logs support
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(retentionDays) }],
    });
    NagSuppressions.addResourceSuppressions(bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: "This bucket only receives the load balancer's access logs; logging access to it would need yet another bucket, whose access would need logging in turn.",
      },
    ]);
    return bucket;
  }
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?$/;

/**
 * An image in ECR is pulled through the repository (the execution role gets pull access to that repository only);
 * any other URI from its registry as is.
 */
function containerImage(scope: Construct, uri: string): ContainerImage {
  const ecr = ECR_IMAGE.exec(uri);
  if (!ecr) return ContainerImage.fromRegistry(uri);
  const [, account, region, china, name, tag, digest] = ecr;
  const partition = china ? 'aws-cn' : Stack.of(scope).partition;
  const repository = Repository.fromRepositoryAttributes(scope, 'Repository', {
    repositoryName: name!,
    repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${name}`,
  });
  return ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
}
