import { documents } from '../clients/dynamodb';
import { config } from '../config';
import type { TodoStore } from './todos';

/** The deployed todo store, built once per container. */
export const todoStore: TodoStore = {
  documents,
  todoTable: config.dynamodb.todoTable,
  counterTable: config.dynamodb.counterTable,
};
