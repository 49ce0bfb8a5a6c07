import { Annotations, App, Aspects } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { InfraConfig } from './config.js';
import { RouterStack } from './router-stack.js';

export interface BuildAppOptions {
  readonly config: InfraConfig;
  /** The router's Lambda code; default the bundle built into this package (VersionRouter's default). */
  readonly routerCode?: Code;
  /** Where to write the cloud assembly; by default CDK's (the CLI's cdk.out). */
  readonly outdir?: string;
  /** Shown as warnings on the stack when synthesized (for example: "synthesized from the example config"). */
  readonly warnings?: readonly string[];
  /**
   * Whether to run CDK's built-in CloudFormation template validation on synth (default true). It costs seconds
   * per synth, so unit tests turn it off; cdk-nag runs either way.
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * The CDK app: one RouterStack named by the configuration, checked by cdk-nag's AWS Solutions rules (a finding
 * that is not suppressed with a reason is a synth error). Synthesize with `app.synth()`.
 */
export function buildApp(options: BuildAppOptions): { app: App; stack: RouterStack } {
  const app = new App({ outdir: options.outdir, builtinCloudFormationValidation: options.cloudFormationValidation ?? true });
  const stack = new RouterStack(app, options.config.stackName, { config: options.config, ...(options.routerCode ? { routerCode: options.routerCode } : {}) });
  for (const warning of options.warnings ?? []) Annotations.of(stack).addWarningV2('vrouter:config', warning);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack };
}
