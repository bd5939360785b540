import { ValidationError } from '#shared/errors';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { idempotencyKey, orderBody, productPath } from '#shared/hotdeals/schemas';
import { placeHotDealOrder as placeOrder } from '#shared/hotdeals/stores';

export const handler = httpHandler(
  { params: productPath, body: orderBody },
  async ({ params, body, headers }) => {
    const key = idempotencyKey.safeParse(headers['idempotency-key']);
    if (!key.success) throw new ValidationError(key.error.issues[0]?.message ?? 'invalid Idempotency-Key');
    return json(
      201,
      await placeOrder({ productId: params.productId, customerId: body.customerId }, key.data),
    );
  },
);
