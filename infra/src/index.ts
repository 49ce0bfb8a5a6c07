export { VersionRouter, routerLambdaCode, ADMIN_TOKEN_VARIABLE, OTLP_HEADERS_VARIABLE } from './version-router.js';
export type { VersionRouterProps, SecretSourceProps } from './version-router.js';
export { RouterTable } from './table.js';
export type { RouterTableProps } from './table.js';
export { RouterFunctions } from './router-functions.js';
export { RouterService } from './router-service.js';
export { ROUTER_HANDLERS, LAMBDA_TELEMETRY_REGISTER } from './lambda-asset.js';
export { InfraConfigError, LAMBDA_RUNTIMES, DEFAULT_LAMBDA_RUNTIME, parseRouterSettings } from './config.js';
export type { LambdaRuntime, RouterSettings, SecretSource, ServiceConfig, VpcImport, EcsTaskFamily } from './config.js';
