import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';

/** One structured JSON logger for the whole service. Never log bodies or customer records. */
export const logger = new Logger({
  serviceName: 'oshop-msa',
  logLevel: config.logLevel as 'INFO',
  persistentKeys: { stage: config.stage },
});
