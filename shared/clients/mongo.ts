import { MongoClient } from 'mongodb';
import { config } from '../config';

/**
 * One client per container. DocumentDB needs tls=true, its CA bundle and retryWrites=false:
 * put them in MONGO_URL (see README); the local wire server needs none of them.
 */
export const mongoClient = new MongoClient(config.mongo.url, {
  serverSelectionTimeoutMS: 3000,
  maxPoolSize: 20,
});

export const mongoDb = mongoClient.db(config.mongo.db);
