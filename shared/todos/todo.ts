import * as z from 'zod';

/**
 * A todo and what a caller may send to make or change one. Each schema is the one
 * definition of its shape: the types below are inferred from it, the API validates with
 * it, and the OpenAPI document is generated from it.
 */
export const TITLE_MAX = 500;

const title = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`);

export const Todo = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  completed: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Todo = z.infer<typeof Todo>;

export const TodoPage = z.object({ items: z.array(Todo), cursor: z.string().optional() });
export type TodoPage = z.infer<typeof TodoPage>;

export const NewTodo = z.strictObject(
  { title, completed: z.boolean({ error: 'must be true or false' }).optional() },
  { error: 'body must be a JSON object like {"title": "..."}' },
);
export type NewTodo = z.output<typeof NewTodo>;

export const TodoChanges = z
  .strictObject(
    { title: title.optional(), completed: z.boolean({ error: 'must be true or false' }).optional() },
    { error: 'body must be a JSON object with title and/or completed' },
  )
  .refine((b) => b.title !== undefined || b.completed !== undefined, 'give title and/or completed')
  // The refinement, as the OpenAPI document says it.
  .meta({ minProperties: 1 });
export type TodoChanges = z.output<typeof TodoChanges>;
