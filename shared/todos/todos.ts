import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import { NotFoundError, ValidationError } from '../platform/errors';
import type { NewTodo, Todo, TodoChanges, TodoPage } from './todo';

/**
 * Where todos live: the document client and the two tables it uses. A todo belongs to the
 * signed-in user who created it (`owner`, the token's subject): every read and write is
 * conditional on it, and another user's todo answers 404 like a missing one (ids are
 * numbers, easy to guess). A user's list is a Query of the table's `owner-index` (owner,
 * then id), never a Scan.
 */
export interface TodoStore {
  documents: DynamoDBDocumentClient;
  todoTable: string;
  counterTable: string;
}

const COUNTER_NAME = 'todo-id';
/** The list's index (serverless/resources.yml and scripts/lib/schema/dynamodb.ts declare it). */
export const TODO_OWNER_INDEX = 'owner-index';
const cursorKey = z
  .object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), owner: z.string().min(1) })
  .strict();
const notFound = (id: number) => new NotFoundError(`Todo ${id} does not exist`);

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

export async function createTodo(
  store: TodoStore,
  owner: string,
  input: NewTodo,
  now: Date = new Date(),
): Promise<Todo> {
  const todo: Todo = {
    id: await allocateTodoId(store),
    title: input.title,
    completed: input.completed ?? false,
    createdAt: now.toISOString(),
  };
  await store.documents.send(
    new PutCommand({
      TableName: store.todoTable,
      Item: { ...todo, owner },
      // Belt and braces: an id is never reused even if the counter were reset.
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  return todo;
}

export async function findTodo(store: TodoStore, owner: string, id: number): Promise<Todo> {
  const out = await store.documents.send(new GetCommand({ TableName: store.todoTable, Key: { id } }));
  if (out.Item?.owner !== owner) throw notFound(id);
  return toTodo(out.Item);
}

/** The caller's own todos, by id; a cursor from another user's list is a 400. */
export async function listTodos(
  store: TodoStore,
  owner: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<TodoPage> {
  const start = decodeCursor(page.cursor, cursorKey);
  if (start && start.owner !== owner)
    throw new ValidationError(
      'Invalid request: query cursor: not from this list',
      undefined,
      'INVALID_CURSOR',
    );
  const out = await store.documents.send(
    new QueryCommand({
      TableName: store.todoTable,
      IndexName: TODO_OWNER_INDEX,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
      Limit: page.limit,
      ExclusiveStartKey: start,
    }),
  );
  const cursor = encodeCursor(out.LastEvaluatedKey);
  return { items: (out.Items ?? []).map(toTodo), ...(cursor ? { cursor } : {}) };
}

/** Changes an existing todo; an unknown id is a 404, never an upsert. */
export async function updateTodo(
  store: TodoStore,
  owner: string,
  id: number,
  changes: TodoChanges,
): Promise<Todo> {
  const names: Record<string, string> = { '#owner': 'owner' };
  const values: Record<string, unknown> = { ':owner': owner };
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
        ConditionExpression: 'attribute_exists(id) AND #owner = :owner',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toTodo(out.Attributes ?? {});
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw notFound(id);
    throw err;
  }
}

export async function deleteTodo(store: TodoStore, owner: string, id: number): Promise<void> {
  try {
    await store.documents.send(
      new DeleteCommand({
        TableName: store.todoTable,
        Key: { id },
        ConditionExpression: 'attribute_exists(id) AND #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw notFound(id);
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
