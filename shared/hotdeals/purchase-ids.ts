import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HOTDEAL_PURCHASE_ID_BASE } from '../catalog/catalog';
import { AppError } from '../platform/errors';

/**
 * Purchase ids of hot-deal orders come in blocks, one per stock setting: the block's base
 * plus the unit number. The block is taken from one counter when an admin sets the stock,
 * never on the order path, so no order writes an item another order writes. The same item
 * lists the products ever put on sale (what the sweeper walks).
 */
export interface PurchaseIdBlocks {
  /** Takes `quantity` ids for a new setting of the product; returns the base (ids are base + 1 ... base + quantity). */
  allocate(productId: number, quantity: number): Promise<number>;
}

/** Every product ever put on sale (what the sweeper walks). */
export type ProductsOnSale = () => Promise<number[]>;

/** Every hot-deal purchase id stays within the contract's range (up to 1,999,999,999). */
const ID_SPACE = 999_999_999;
const COUNTER = 'hotdeal-purchase-ids';

export function dynamoPurchaseIdBlocks(
  documents: DynamoDBDocumentClient,
  counterTable: string,
): PurchaseIdBlocks {
  return {
    async allocate(productId, quantity) {
      const out = await documents.send(
        new UpdateCommand({
          TableName: counterTable,
          Key: { name: COUNTER },
          UpdateExpression: 'ADD #value :q, products :p',
          ExpressionAttributeNames: { '#value': 'value' },
          ExpressionAttributeValues: { ':q': quantity, ':p': new Set([productId]) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const total = Number(out.Attributes?.value);
      if (total > ID_SPACE)
        throw new AppError(507, 'PURCHASE_IDS_EXHAUSTED', 'The hot-deal purchase id space is used up');
      return HOTDEAL_PURCHASE_ID_BASE + total - quantity;
    },
  };
}

export function dynamoProductsOnSale(
  documents: DynamoDBDocumentClient,
  counterTable: string,
): ProductsOnSale {
  return async () => {
    const out = await documents.send(
      new GetCommand({ TableName: counterTable, Key: { name: COUNTER }, ConsistentRead: true }),
    );
    const set = out.Item?.products as Set<number> | undefined;
    return set ? [...set].map(Number).sort((a, b) => a - b) : [];
  };
}
