import { routes } from '#shared/api/routes';
import { dynamodb } from '#shared/clients/dynamodb';
import { legacyDb } from '#shared/clients/legacy-db';
import { mongoClient } from '#shared/clients/mongo';
import { redis } from '#shared/clients/redis';
import { config } from '#shared/config';
import { checkHealth } from '#shared/health';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';

export const handler = httpHandler(routes.health, async () =>
  json(
    200,
    await checkHealth({
      dynamodb,
      probeTable: config.dynamodb.todoTable,
      redis,
      mongo: mongoClient,
      legacy: legacyDb,
    }),
  ),
);
