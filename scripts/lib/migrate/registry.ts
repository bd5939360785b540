import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { httpBulk } from '#shared/platform/clients/dynamodb-http';
import { WHOLE_TABLE_SEGMENTS } from '#shared/platform/clients/dynamodb-pages';
import { config } from '#shared/platform/config';
import { archiveCollection, dynamo, legacyDb } from '#shared/wiring';
import { catalogMigration } from './catalog';
import { crmMigration } from './crm';
import type { MigrationSpec } from './engine';
import { purchaseMigration } from './purchases';

export const MIGRATIONS = ['purchases', 'crm', 'catalog'] as const;
export type MigrationName = (typeof MIGRATIONS)[number];

/** What each migration moves, for the CLI's usage text. */
export const DESCRIPTIONS: Record<MigrationName, string> = {
  purchases: `legacy purchase JOIN -> DynamoDB ${config.dynamodb.purchaseTable}`,
  crm: `legacy CSHARCH JOIN (calls before the cut-off) -> MongoDB ${config.mongo.db}.${config.crm.collection}`,
  catalog: `legacy customer, product + seller -> DynamoDB ${config.dynamodb.catalogTable} (what orders snapshot)`,
};

/** A named migration on the configured stores, and its target's name (for the checkpoint file). */
export async function migrationFor(
  name: MigrationName,
  options: { concurrency: number; cutoff: Date },
): Promise<{ spec: MigrationSpec<unknown>; target: string }> {
  const legacy = await legacyDb();
  const { dynamodb, documents } = dynamo();
  const bulk = httpBulk(dynamoHttpTarget(config));
  if (name === 'crm') {
    const collection = await archiveCollection();
    return {
      spec: crmMigration({ legacy, collection, cutoff: options.cutoff }) as MigrationSpec<unknown>,
      target: `${config.mongo.db}.${config.crm.collection}`,
    };
  }
  if (name === 'catalog') {
    const table = config.dynamodb.catalogTable;
    const spec = catalogMigration({ legacy, documents, bulk, table });
    return { spec: spec as MigrationSpec<unknown>, target: table };
  }
  const table = config.dynamodb.purchaseTable;
  const spec = purchaseMigration({
    legacy,
    dynamodb,
    documents,
    bulk,
    table,
    // Not the workers' count: a whole-table scan has a better one (see there).
    scanSegments: WHOLE_TABLE_SEGMENTS,
  });
  return { spec: spec as MigrationSpec<unknown>, target: table };
}

/** Beside the local stack's data (OSHOP_LOCAL_DIR, default .local), whose target it describes. */
export const defaultCheckpoint = (name: MigrationName, target: string) =>
  `${process.env.OSHOP_LOCAL_DIR ?? '.local'}/migrations/${name}-${target}.json`;
