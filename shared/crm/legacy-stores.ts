import { legacyDb } from '../clients/legacy-db';
import { config } from '../config';
import { legacyServiceHistory } from './legacy-store';

/** The CRM report on the legacy RDBMS, built once per container. */
export const legacyServiceHistoryReports = legacyServiceHistory(legacyDb, config.crm.archiveCutoff);
