import { routes } from '#shared/api/routes';
import { httpHandler } from '#shared/http/handler';
import { html } from '#shared/http/responses';
import { TODO_PAGE } from '#shared/web/todo-page';

export const handler = httpHandler(routes.todoPage, async () => html(200, TODO_PAGE));
