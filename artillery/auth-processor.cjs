// Bearer tokens for the load scenarios, so every measured request pays for its verification
// as a real caller's does. Each virtual customer carries a token for its own customer id
// (the id it orders as, or whose purchases it reads); CRM readers carry a staff token.
//
// Locally the tokens are signed here with the dev issuer's key (.local/auth, made by
// `npm run token` or the API on first use): RS256 over the same claims, one per customer,
// cached. Against a deployed stage, OSHOP_BENCH_TOKENS names a JSON file of tokens from
// its Cognito user pool: {"staff": "...", "customers": {"1": "...", ...}} (orders are
// placed by the customers that have one; purchases of the others are read as staff).
const { createPrivateKey, sign } = require('node:crypto');
const { appendFileSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ISSUER = process.env.AUTH_ISSUER || 'oshop-local-dev-issuer';
const AUDIENCE = process.env.AUTH_AUDIENCE || 'oshop-local';
const LOCAL_DIR = process.env.OSHOP_LOCAL_DIR || join(__dirname, '..', '.local');

let given;
let key;
const tokens = new Map();
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

function givenTokens() {
  if (given !== undefined) return given;
  given = process.env.OSHOP_BENCH_TOKENS
    ? JSON.parse(readFileSync(process.env.OSHOP_BENCH_TOKENS, 'utf8'))
    : null;
  return given;
}

function devToken(roles, customerId) {
  if (!key) {
    const jwk = JSON.parse(readFileSync(join(LOCAL_DIR, 'auth', 'dev-issuer.key.json'), 'utf8'));
    key = { kid: jwk.kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    token_use: 'id',
    'cognito:groups': roles,
    ...(customerId ? { 'custom:customerId': String(customerId) } : {}),
    iss: ISSUER,
    aud: AUDIENCE,
    sub: customerId ? `customer-${customerId}` : roles.join('-'),
    iat: now,
    exp: now + 3600,
  };
  const unsigned = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key.privateKey).toString('base64url')}`;
}

/** [customerId, token]: the customer's own, or (a stage with fewer tokens) one that has one. */
function customer(customerId) {
  const file = givenTokens();
  if (file) {
    const ids = Object.keys(file.customers || {});
    if (ids.length === 0) throw new Error('OSHOP_BENCH_TOKENS has no customers');
    const id = file.customers[customerId] ? String(customerId) : ids[customerId % ids.length];
    return [Number(id), file.customers[id]];
  }
  if (!tokens.has(customerId)) tokens.set(customerId, devToken(['customer'], customerId));
  return [customerId, tokens.get(customerId)];
}

function staff() {
  const file = givenTokens();
  if (file) return file.staff;
  if (!tokens.has('staff')) tokens.set('staff', devToken(['staff']));
  return tokens.get('staff');
}

const withHeader = (requestParams, token) => {
  requestParams.headers = { ...(requestParams.headers || {}), authorization: `Bearer ${token}` };
};

module.exports = {
  /** A hot-deal order by a random customer (1..10,000, or 1..{{ customers }}), as themselves. */
  orderAsCustomer(requestParams, context, events, next) {
    const customers = Number(context.vars.customers) || 10000;
    const [customerId, token] = customer(1 + Math.floor(Math.random() * customers));
    // The body names the buyer as a JSON number (a templated "{{ }}" would be a string).
    requestParams.json = { customerId };
    withHeader(requestParams, token);
    next();
  },
  /** The customer of this virtual user's row of the purchase feeder, reading their own. */
  asFeederCustomer(requestParams, context, events, next) {
    const id = Number(context.vars.customerId);
    const file = givenTokens();
    // A stage's token file without this customer: staff read it (staff may read anyone's).
    withHeader(requestParams, file && !file.customers?.[id] ? staff() : customer(id)[1]);
    next();
  },
  /** A signed-in user of the todo app (a customer: any signed-in user may). */
  asSignedInUser(requestParams, context, events, next) {
    // One user per virtual user: a todo is its owner's, so the flow's requests share a token.
    context.vars.signedInAs ??= 1 + Math.floor(Math.random() * 10000);
    withHeader(requestParams, customer(context.vars.signedInAs)[1]);
    next();
  },
  /**
   * Notes each order bought (201) in the file OSHOP_ORDERS_OUT names, one JSON line each:
   * the cut-over test looks every one up on both sides afterwards.
   */
  noteOrder(requestParams, response, context, events, next) {
    if (process.env.OSHOP_ORDERS_OUT && response.statusCode === 201) {
      const { customerId } = requestParams.json;
      const { orderId, purchaseId } = JSON.parse(response.body);
      appendFileSync(
        process.env.OSHOP_ORDERS_OUT,
        `${JSON.stringify({ customerId, purchaseId, orderId })}\n`,
      );
    }
    next();
  },
  /** Customer service reading the CRM. */
  asStaff(requestParams, context, events, next) {
    withHeader(requestParams, staff());
    next();
  },
};
