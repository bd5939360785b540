import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import { NotFoundError } from '../platform/errors';
import type { NewTodo, Todo, TodoChanges, TodoPage } from './todo';

/** Where todos live: the document client and the two tables it uses. */
export interface TodoStore {
  documents: DynamoDBDocumentClient;
  todoTable: string;
  counterTable: string;
}

const COUNTER_NAME = 'todo-id';
const cursorKey = z.object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Allocates the next todo id with an atomic counter: concurrent creators never share one. */
export async function allocateTodoId(store: TodoStore): Promise<number> {
  const out = await store.documents.send(
    new UpdateCommand({
      TableName: store.counterTable,
      Key: { name: COUNTER_NAME },
      UpdateExpression: 'ADD #value :one',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.value);
}

export async function createTodo(store: TodoStore, input: NewTodo, now: Date = new Date()): Promise<Todo> {
  const todo: Todo = {
    id: await allocateTodoId(store),
    title: input.title,
    completed: input.completed ?? false,
    createdAt: now.toISOString(),
  };
  await store.documents.send(
    new PutCommand({
      TableName: store.todoTable,
      Item: todo,
      // Belt and braces: an id is never reused even if the counter were reset.
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  return todo;
}

export async function findTodo(store: TodoStore, id: number): Promise<Todo> {
  const out = await store.documents.send(new GetCommand({ TableName: store.todoTable, Key: { id } }));
  if (!out.Item) throw new NotFoundError(`Todo ${id} does not exist`);
  return toTodo(out.Item);
}

export async function listTodos(
  store: TodoStore,
  page: { limit: number; cursor?: string | undefined },
): Promise<TodoPage> {
  const out = await store.documents.send(
    new ScanCommand({
      TableName: store.todoTable,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, cursorKey),
    }),
  );
  const cursor = encodeCursor(out.LastEvaluatedKey);
  return { items: (out.Items ?? []).map(toTodo), ...(cursor ? { cursor } : {}) };
}

/** Changes an existing todo; an unknown id is a 404, never an upsert. */
export async function updateTodo(store: TodoStore, id: number, changes: TodoChanges): Promise<Todo> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const field of ['title', 'completed'] as const) {
    if (changes[field] === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = changes[field];
    sets.push(`#${field} = :${field}`);
  }
  try {
    const out = await store.documents.send(
      new UpdateCommand({
        TableName: store.todoTable,
        Key: { id },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toTodo(out.Attributes ?? {});
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new NotFoundError(`Todo ${id} does not exist`);
    throw err;
  }
}

export async function deleteTodo(store: TodoStore, id: number): Promise<void> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.todoTable,
        Key: { id },
        ConditionExpression: 'attribute_exists(id)',
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new NotFoundError(`Todo ${id} does not exist`);
    throw err;
  }
}

function toTodo(item: Record<string, unknown>): Todo {
  return {
    id: Number(item.id),
    title: String(item.title),
    completed: item.completed === true,
    createdAt: String(item.createdAt),
  };
}
