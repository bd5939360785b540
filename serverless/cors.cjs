// CORS origins for serverless.yml: CORS_ALLOWED_ORIGINS (comma-separated) or the stage's
// default. Explicit origins only, never "*": the local stage allows the dev server's own
// pages; a deployed stage allows the origin its users set (README "Deploy to AWS").
const DEFAULTS = {
  local: 'http://localhost:3000,http://127.0.0.1:3000',
  other: 'https://shop.example.com',
};

const list = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const raw = process.env.CORS_ALLOWED_ORIGINS || (stage === 'local' ? DEFAULTS.local : DEFAULTS.other);
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.includes('*')) throw new Error('CORS_ALLOWED_ORIGINS: name the origins, "*" is not allowed');
  return origins;
};

module.exports.origins = list;
module.exports.header = async (ctx) => (await list(ctx)).join(',');
