import { mongoDb } from '../clients/mongo';
import { config } from '../config';
import { mongoServiceHistory, type ArchivedCallDocument } from './mongo-store';

/** The CRM archive collection and its report, built once per container. */
export const archiveCollection = mongoDb.collection<ArchivedCallDocument>(config.crm.collection);
export const serviceHistoryReports = mongoServiceHistory(archiveCollection);
