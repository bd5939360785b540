import type { Page } from '../platform/http/responses';
import { signedInPage, type SignIn } from './sign-in';

/**
 * The todo web page: signs its user in (./sign-in.ts), then talks to the same-origin REST
 * API with the token. Every value reaches the DOM through textContent, never innerHTML.
 */
export const todoPage = (signIn: SignIn): Page =>
  signedInPage(signIn, {
    title: 'oshop todos',
    heading: 'Todos',
    style: `
  body { max-width: 40rem; }
  form#add { display: flex; gap: .5rem; margin-bottom: 1rem; }
  input[type=text] { flex: 1; padding: .4rem; font: inherit; }
  ul { list-style: none; padding: 0; }
  li { display: flex; align-items: center; gap: .5rem; padding: .35rem 0; border-bottom: 1px solid #eee; }
  li.done .title { text-decoration: line-through; color: #888; }
  li .title { flex: 1; overflow-wrap: anywhere; }`,
    main: `<form id="add">
  <input id="title" type="text" name="title" placeholder="What needs doing?" maxlength="500" autocomplete="off" aria-label="New todo title">
  <button type="submit">Add</button>
</form>
<ul id="todos" aria-live="polite"></ul>`,
    script: `
const list = document.getElementById('todos');
const error = document.getElementById('error');
const api = async (method, path, body) => {
  const res = await fetch(path, {
    method,
    headers: Object.assign(body ? { 'content-type': 'application/json' } : {}, auth.headers()),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) {
    expired();
    throw new Error('Sign in again');
  }
  if (res.status === 204) return null;
  const data = await res.json();
  if (!res.ok) throw new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
  return data;
};
const show = (err) => { error.textContent = err ? err.message : ''; };
const row = (todo) => {
  const li = document.createElement('li');
  li.dataset.id = String(todo.id);
  li.className = todo.completed ? 'done' : '';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = todo.completed;
  box.setAttribute('aria-label', 'completed');
  box.addEventListener('change', () =>
    api('PATCH', '/todos/' + todo.id, { completed: box.checked })
      .then((t) => { li.className = t.completed ? 'done' : ''; show(); })
      .catch(show));
  const title = document.createElement('span');
  title.className = 'title';
  title.textContent = todo.title;
  const del = document.createElement('button');
  del.type = 'button';
  del.textContent = 'Delete';
  del.addEventListener('click', () =>
    api('DELETE', '/todos/' + todo.id).then(() => { li.remove(); show(); }).catch(show));
  li.append(box, title, del);
  return li;
};
const load = async () => {
  const todos = [];
  let cursor;
  do {
    const page = await api('GET', '/todos?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    todos.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  todos.sort((a, b) => a.id - b.id);
  list.replaceChildren(...todos.map(row));
  document.body.dataset.loaded = 'true';
};
document.getElementById('add').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('title');
  api('POST', '/todos', { title: input.value })
    .then((t) => { list.append(row(t)); input.value = ''; show(); })
    .catch(show);
});
function onSignedIn() { load().catch(show); }
function onSignedOut() { list.replaceChildren(); }
`,
  });
