export {
  DEFAULT_TABLE_NAME,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
  GSI1,
  GSI2,
  GSI3,
  GSI4,
  GSI5,
  GSI6,
  GSI7,
  INDEXES,
  LEASE_SHARDS,
  HEALTH_SHARDS,
  SHARDS,
  INDEX_ATTRIBUTES,
  tableDefinition,
  createTable,
} from './schema.js';
export type { IndexKeys, IndexProjection, CreateTableOptions } from './schema.js';
export { DynamoRoutingConfigStore } from './config-store.js';
export type { DynamoRoutingConfigStoreOptions } from './config-store.js';
export { DynamoEventStore, DEFAULT_RETENTION_SECONDS } from './event-store.js';
export type { DynamoEventStoreOptions } from './event-store.js';
export { DynamoAuditLog } from './audit-log.js';
export { DynamoReplayStore } from './replay-store.js';
export type { DynamoReplayStoreOptions } from './replay-store.js';
export type { DynamoAuditLogOptions } from './audit-log.js';
export { DynamoRolloutStore } from './rollout-store.js';
export type { DynamoRolloutStoreOptions } from './rollout-store.js';
export { DynamoHealthStore } from './health-store.js';
export type { DynamoHealthStoreOptions } from './health-store.js';
export { measureKeyShares } from './key-shares.js';
export type { KeyShare, KeySharesOptions } from './key-shares.js';
export { createDynamoClient } from './client.js';
export type { DynamoClientOptions } from './client.js';
export { startDynamoDbLocal } from './dynamodb-local.js';
export type { DynamoDbLocal, DynamoDbLocalOptions } from './dynamodb-local.js';
