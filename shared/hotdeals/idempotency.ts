import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
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

/** An order placement as the order function calls it: with the key and the invocation's context. */
export type IdempotentPlaceOrder = (
  order: OrderRequest,
  idempotencyKey: string | undefined,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<HotDealOrder>;

/**
 * Makes order placement idempotent per Idempotency-Key (Powertools Idempotency, DynamoDB
 * persistence): a retry with the same key gets the first answer and buys nothing twice.
 * Keys are scoped by `scope` (new or legacy path); reusing a key for another product or
 * customer is a 422; a retry while the first call is still running is a 409. The record
 * of a call in progress expires with its invocation (the context's remaining time), so a
 * function that died mid-order does not block the key's retries for the record's 24 hours.
 */
export function idempotentOrders(
  placeOrder: PlaceOrder,
  deps: { dynamodb: DynamoDBClient; table: string; scope: string },
): IdempotentPlaceOrder {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[scope, idempotencyKey]',
    payloadValidationJmesPath: '[productId, customerId]',
    expiresAfterSeconds: 24 * 3600,
  });
  const idempotent = makeIdempotent(
    (keyed: OrderRequest & { scope: string; idempotencyKey: string }) =>
      placeOrder({ productId: keyed.productId, customerId: keyed.customerId }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: deps.table,
        awsSdkV3Client: deps.dynamodb,
      }),
      config,
    },
  );
  return async (order, idempotencyKey, context) => {
    if (!idempotencyKey) return placeOrder(order);
    if (context) config.registerLambdaContext(context as Context);
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
