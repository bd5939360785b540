import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { HotDealStockRow } from './read-models';
import { stripRevision } from './runner';
import { readActiveTable, type ProjectionStateStore } from './state';

/** A product's row of the hot-deal stock read model (its active table), for reconcile. */
export async function readHotDealStock(
  state: ProjectionStateStore,
  baseTable: string,
  productId: number,
): Promise<HotDealStockRow | undefined> {
  const { table } = await readActiveTable(state, 'hotdeal_stock', baseTable);
  const out = await state.documents.send(
    new GetCommand({ TableName: table, Key: { product_id: productId }, ConsistentRead: true }),
  );
  return out.Item ? (stripRevision(out.Item) as HotDealStockRow) : undefined;
}
