import { dynamodb } from '#shared/clients/dynamodb';
import { legacyDb } from '#shared/clients/legacy-db';
import { mongoClient } from '#shared/clients/mongo';
import { redis } from '#shared/clients/redis';
import { checkHealth } from '#shared/health';
import { httpHandler } from '#shared/http/handler';
import { json } from '#shared/http/responses';

export const handler = httpHandler({}, async () =>
  json(200, await checkHealth({ dynamodb, redis, mongo: mongoClient, legacy: legacyDb })),
);
