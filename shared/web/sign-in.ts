import { devIssuerOf } from '../platform/auth/dev-issuer';
import type { Config } from '../platform/config';
import { contentSecurityPolicy, type Page } from '../platform/http/responses';

/**
 * The pages' sign-in: locally the dev issuer (POST /auth/dev-token: pick a role and, for a
 * customer, which one); in AWS the Cognito user pool (email and password, USER_PASSWORD_AUTH
 * straight from the browser: the app client has no secret). Either way the page keeps the
 * ID token in sessionStorage (gone with the tab) and sends it as a bearer token.
 */
export type SignIn = { mode: 'dev' } | { mode: 'cognito'; region: string; clientId: string };

export function signInOf(config: Pick<Config, 'auth' | 'region'>): SignIn {
  if (devIssuerOf(config.auth)) return { mode: 'dev' };
  return { mode: 'cognito', region: config.region, clientId: config.auth.audience };
}

/** Where the page may send requests: its own origin, and Cognito where it signs in there. */
export function connectSources(signIn: SignIn): string {
  return signIn.mode === 'cognito' ? `'self' https://cognito-idp.${signIn.region}.amazonaws.com` : "'self'";
}

export const SIGN_IN_STYLE = `
  #signin form, #who { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }
  #signin input, #signin select { padding: .4rem; font: inherit; }
  #who { color: #555; }
`;

export function signInHtml(signIn: SignIn): string {
  const fields =
    signIn.mode === 'dev'
      ? `<label>Role <select id="role" name="role"><option>customer</option><option>staff</option><option>admin</option></select></label>
    <label>Customer <input id="customer-id" name="customerId" type="number" min="1" value="1" aria-label="Customer id"></label>`
      : `<input id="username" name="username" type="email" placeholder="email" autocomplete="username" aria-label="Email" required>
    <input id="password" name="password" type="password" placeholder="password" autocomplete="current-password" aria-label="Password" required>`;
  return `<section id="signin" hidden>
  <form id="signin-form">
    ${fields}
    <button type="submit">Sign in</button>
  </form>
</section>
<p id="who" hidden><span id="who-text"></span> <button type="button" id="signout">Sign out</button></p>`;
}

/**
 * The sign-in script: defines `auth` for the page's own script (its token, the headers
 * to send, and `ready(onSignedIn)` which calls back with the caller once signed in).
 * Settings are JSON with "<" escaped, so nothing in them can close the script.
 */
export function signInScript(signIn: SignIn): string {
  const settings = JSON.stringify(signIn).replace(/</g, '\\u003c');
  return `
const auth = (() => {
  const settings = ${settings};
  const KEY = 'oshop.idToken';
  const form = document.getElementById('signin-form');
  const panel = document.getElementById('signin');
  const who = document.getElementById('who');
  const whoText = document.getElementById('who-text');
  let onSignedIn = () => undefined;
  const token = () => sessionStorage.getItem(KEY);
  const headers = () => (token() ? { authorization: 'Bearer ' + token() } : {});
  const signedOut = (message) => {
    sessionStorage.removeItem(KEY);
    who.hidden = true;
    panel.hidden = false;
    if (message) document.getElementById('error').textContent = message;
  };
  const describe = (caller) =>
    'Signed in as ' + (caller.roles.length ? caller.roles.join(', ') : 'a user with no role') +
    (caller.customerId ? ' (customer ' + caller.customerId + ')' : '');
  const check = async () => {
    if (!token()) return signedOut();
    const res = await fetch('/auth/me', { headers: headers() });
    if (res.status === 401) return signedOut('Your sign-in has expired: sign in again.');
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const caller = await res.json();
    whoText.textContent = describe(caller);
    panel.hidden = true;
    who.hidden = false;
    document.getElementById('error').textContent = '';
    onSignedIn(caller);
  };
  const fetchToken = async () => {
    if (settings.mode === 'dev') {
      const role = document.getElementById('role').value;
      const body = role === 'customer' ? { role, customerId: Number(document.getElementById('customer-id').value) } : { role };
      const res = await fetch('/auth/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const data = await res.json();
      if (!res.ok) throw new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
      return data.token;
    }
    const res = await fetch('https://cognito-idp.' + settings.region + '.amazonaws.com/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: settings.clientId,
        AuthParameters: { USERNAME: document.getElementById('username').value, PASSWORD: document.getElementById('password').value },
      }),
    });
    const data = await res.json();
    if (!res.ok || !data.AuthenticationResult) throw new Error(data.message || 'Sign-in failed' + (data.ChallengeName ? ' (' + data.ChallengeName + ' needed)' : ''));
    return data.AuthenticationResult.IdToken;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fetchToken()
      .then((t) => { sessionStorage.setItem(KEY, t); return check(); })
      .catch((err) => { document.getElementById('error').textContent = err.message; });
  });
  document.getElementById('signout').addEventListener('click', () => signedOut());
  return {
    headers,
    signedOut,
    ready: (callback) => { onSignedIn = callback; check().catch((err) => { document.getElementById('error').textContent = err.message; }); },
  };
})();
`;
}

export interface SignedInPageParts {
  title: string;
  heading: string;
  /** The page's own CSS (the shell's look and the sign-in's come with it). */
  style: string;
  /** What shows once signed in (inside <main id="app">). */
  main: string;
  /**
   * The page's own script; it runs after the sign-in script, so `auth` is there, and is
   * told when the caller signs in (`onSignedIn`) and out (`onSignedOut`).
   */
  script: string;
}

/**
 * A page that signs its user in first: its markup and the CSP that lets it reach exactly
 * its own origin and, in AWS, the Cognito endpoint it signs in with. Until signed in it
 * shows the sign-in form; a 401 from the API brings the form back.
 */
export function signedInPage(signIn: SignIn, parts: SignedInPageParts): Page {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.5rem; }
  #error { color: #b00020; min-height: 1.4em; }
  ${SIGN_IN_STYLE}
  ${parts.style}
</style>
</head>
<body>
<h1>${parts.heading}</h1>
${signInHtml(signIn)}
<p id="error" role="alert"></p>
<main id="app" hidden>
${parts.main}
</main>
<script>
${signInScript(signIn)}
const app = document.getElementById('app');
const expired = () => {
  auth.signedOut('Your sign-in has expired: sign in again.');
  app.hidden = true;
};
${parts.script}
auth.ready(() => {
  app.hidden = false;
  onSignedIn();
});
document.getElementById('signout').addEventListener('click', () => {
  app.hidden = true;
  onSignedOut();
});
</script>
</body>
</html>
`;
  return { body, headers: { 'content-security-policy': contentSecurityPolicy(connectSources(signIn)) } };
}
