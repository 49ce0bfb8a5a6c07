export { LambdaDispatcher, DEFAULT_MAX_RESPONSE_BYTES } from './lambda-dispatcher.js';
export type { LambdaDispatcherOptions } from './lambda-dispatcher.js';
export { DispatcherRegistry } from './registry.js';
export type { DispatchersByKind } from './registry.js';
export { TARGET_UNSUPPORTED, unsupportedTarget } from './unsupported.js';
