import * as z from 'zod';
import { cursorParam, idParam, limitParam } from '../http/schemas';

export const TITLE_MAX = 500;

const title = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`);

export const todoIdPath = z.object({ id: idParam });

export const listTodosQuery = z.object({ limit: limitParam(100, 20), cursor: cursorParam });

export const newTodoBody = z.strictObject(
  { title, completed: z.boolean({ error: 'must be true or false' }).optional() },
  { error: 'body must be a JSON object like {"title": "..."}' },
);

export const todoChangesBody = z
  .strictObject(
    { title: title.optional(), completed: z.boolean({ error: 'must be true or false' }).optional() },
    { error: 'body must be a JSON object with title and/or completed' },
  )
  .refine((b) => b.title !== undefined || b.completed !== undefined, 'give title and/or completed')
  // The refinement, as the OpenAPI document says it.
  .meta({ minProperties: 1 });

/** Responses (the OpenAPI document; schemathesis checks the API answers them). */
export const todoResponse = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  completed: z.boolean(),
  createdAt: z.iso.datetime(),
});
export const todoPageResponse = z.object({ items: z.array(todoResponse), cursor: z.string().optional() });
