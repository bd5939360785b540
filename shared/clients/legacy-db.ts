import { config } from '../config';
import { createSqlDatabase } from '../sql/database';

/** The legacy RDBMS (PostgreSQL locally, Oracle in production): one pool per container. */
export const legacyDb = await createSqlDatabase(config.legacy);
