import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';
import { productPath } from '#shared/hotdeals/schemas';
import { hotDeals } from '#shared/hotdeals/stores';

export const handler = httpHandler({ params: productPath }, async ({ params }) =>
  json(200, await hotDeals.remaining(params.productId)),
);
