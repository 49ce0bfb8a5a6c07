import { RemovalPolicy } from 'aws-cdk-lib';
import { type Attribute, AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { DEFAULT_TABLE_NAME, type IndexProjection, TTL_ATTRIBUTE, tableDefinition } from '@vrouter/store-dynamodb';
import type { Construct } from 'constructs';

type Definition = ReturnType<typeof tableDefinition>;
type KeySchema = NonNullable<Definition['KeySchema']>;

export interface RouterTableProps {
  /** Physical name; CloudFormation generates one when omitted. */
  readonly tableName?: string | undefined;
  /**
   * What the indexes carry: `include` (the default) only what queries filter on, so each index entry is one write
   * unit; `all` the whole item, as tables deployed before did. DynamoDB cannot change an index's projection in place,
   * so a stack whose table was deployed with `all` keeps it (the store reads both) until it is migrated (docs/scale.md).
   */
  readonly indexProjection?: IndexProjection | undefined;
}

/**
 * The router's single table, built from `@vrouter/store-dynamodb`'s own CreateTable definition, so its keys,
 * attribute types and indexes cannot drift from what the store reads and writes. Adds what CreateTable cannot
 * say: TTL on the schema's TTL attribute, point-in-time recovery, deletion protection, and RETAIN on stack delete.
 * Throws an Error if the store's definition asks for something this construct does not know how to build.
 */
export class RouterTable extends Table {
  constructor(scope: Construct, id: string, props: RouterTableProps = {}) {
    const definition = tableDefinition(props.tableName ?? DEFAULT_TABLE_NAME, { projection: props.indexProjection ?? 'include' });
    if (definition.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`The store's table definition asks for billing mode ${definition.BillingMode}; expected PAY_PER_REQUEST.`);
    super(scope, id, {
      tableName: props.tableName,
      ...keysOf(definition, definition.KeySchema, 'table'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const projection = index.Projection?.ProjectionType ?? 'ALL';
      this.addGlobalSecondaryIndex({
        indexName: index.IndexName!,
        ...keysOf(definition, index.KeySchema, `index ${index.IndexName}`),
        projectionType: projectionType(projection),
        ...(projection === 'INCLUDE' ? { nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [] } : {}),
      });
    }
  }
}

function keysOf(definition: Definition, schema: KeySchema | undefined, what: string): { partitionKey: Attribute; sortKey?: Attribute } {
  const key = (type: 'HASH' | 'RANGE'): Attribute | undefined => {
    const name = schema?.find((element) => element.KeyType === type)?.AttributeName;
    if (name === undefined) return undefined;
    const declared = definition.AttributeDefinitions?.find((attribute) => attribute.AttributeName === name)?.AttributeType;
    if (declared === undefined) throw new Error(`The store's table definition declares no type for ${name}, a key of the ${what}.`);
    return { name, type: attributeType(declared) };
  };
  const partitionKey = key('HASH');
  if (!partitionKey) throw new Error(`The store's table definition gives the ${what} no partition key.`);
  const sortKey = key('RANGE');
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

function attributeType(type: string): AttributeType {
  switch (type) {
    case 'S':
      return AttributeType.STRING;
    case 'N':
      return AttributeType.NUMBER;
    case 'B':
      return AttributeType.BINARY;
    default:
      throw new Error(`Unknown DynamoDB attribute type ${type} in the store's table definition.`);
  }
}

function projectionType(type: string): ProjectionType {
  switch (type) {
    case 'ALL':
      return ProjectionType.ALL;
    case 'KEYS_ONLY':
      return ProjectionType.KEYS_ONLY;
    case 'INCLUDE':
      return ProjectionType.INCLUDE;
    default:
      throw new Error(`Unknown projection type ${type} in the store's table definition.`);
  }
}
