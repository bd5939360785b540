import { legacyDb } from '../clients/legacy-db';
import { legacyPurchaseHistory } from './legacy-store';

/** Purchase history on the legacy RDBMS, built once per container. */
export const legacyPurchases = legacyPurchaseHistory(legacyDb);
