import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Config, Credentials } from '../config';

/**
 * Driver options from the configuration. DocumentDB needs TLS (with Amazon's CA bundle,
 * global-bundle.pem: MONGO_TLS_CA_FILE) and refuses retryable writes; reports may read
 * from replicas (MONGO_READ_PREFERENCE=secondaryPreferred; replicaSet=rs0 in MONGO_URL).
 * The local wire server needs none of that. Credentials come from the environment
 * (Secrets Manager in the cloud), never from MONGO_URL in a file.
 */
export function mongoClientOptions(mongo: Config['mongo'], login: Credentials['mongo']): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    maxPoolSize: mongo.poolMax,
    maxIdleTimeMS: 60_000,
    retryWrites: mongo.retryWrites,
    readPreference: mongo.readPreference,
    ...(mongo.tls ? { tls: true, ...(mongo.tlsCAFile ? { tlsCAFile: mongo.tlsCAFile } : {}) } : {}),
    ...(login.username
      ? { auth: { username: login.username, password: login.password ?? '' }, authSource: 'admin' }
      : {}),
  };
}

/**
 * A client; the driver connects on first use and pools connections. Its round trips are
 * counted where they are sent (../store-calls: the report's read, the health probe), not by
 * command monitoring, which built two event objects per command on the report's path
 * (~0.045 ms of CPU per read, measured); a spec holds the two counts equal.
 */
export function createMongoClient(mongo: Config['mongo'], login: Credentials['mongo']): MongoClient {
  return new MongoClient(mongo.url, mongoClientOptions(mongo, login));
}
