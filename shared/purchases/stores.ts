import { documents } from '../clients/dynamodb';
import { config } from '../config';
import { dynamoPurchaseHistory } from './dynamo-store';

/** Purchase history on DynamoDB, built once per container. */
export const purchaseHistory = dynamoPurchaseHistory(documents, config.dynamodb.purchaseTable);
