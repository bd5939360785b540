import { documents } from '../clients/dynamodb';
import { config } from '../config';
import { activeReadModel } from '../projections/stores';
import { dynamoPurchaseHistory } from './dynamo-store';

/** Purchase history on DynamoDB (migrated + hot-deal purchases), built once per container. */
export const purchaseHistory = dynamoPurchaseHistory(
  documents,
  config.dynamodb.purchaseTable,
  activeReadModel('purchase_history'),
);
