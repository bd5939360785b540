import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { AppError, ConflictError } from '../platform/errors';
import type { HotDealOrder, OrderRequest } from './hotdeal';

type PlaceOrder = (order: OrderRequest) => Promise<HotDealOrder>;

/**
 * Makes order placement idempotent per Idempotency-Key (Powertools Idempotency, DynamoDB
 * persistence): a retry with the same key gets the first answer and buys nothing twice.
 * Keys are scoped by `scope` (new or legacy path); reusing a key for another product or
 * customer is a 422; a retry while the first call is still running is a 409.
 */
export function idempotentOrders(
  placeOrder: PlaceOrder,
  deps: { dynamodb: DynamoDBClient; table: string; scope: string },
): (order: OrderRequest, idempotencyKey: string | undefined) => Promise<HotDealOrder> {
  const idempotent = makeIdempotent(
    (keyed: OrderRequest & { scope: string; idempotencyKey: string }) =>
      placeOrder({ productId: keyed.productId, customerId: keyed.customerId }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: deps.table,
        awsSdkV3Client: deps.dynamodb,
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: '[scope, idempotencyKey]',
        payloadValidationJmesPath: '[productId, customerId]',
        expiresAfterSeconds: 24 * 3600,
      }),
    },
  );
  return async (order, idempotencyKey) => {
    if (!idempotencyKey) return placeOrder(order);
    try {
      return await idempotent({ ...order, scope: deps.scope, idempotencyKey });
    } catch (err) {
      if (err instanceof IdempotencyAlreadyInProgressError) {
        throw new ConflictError(
          'REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still running; retry shortly',
        );
      }
      if (err instanceof IdempotencyValidationError) {
        throw new AppError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used for a different order',
        );
      }
      throw err;
    }
  };
}
