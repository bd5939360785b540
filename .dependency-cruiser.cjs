/**
 * The layers of the house (README: Architecture), checked by `npm run lint` and `npm test`:
 *
 *   functions/ -> shared/api/, shared/wiring.ts -> shared/<feature>/ -> shared/platform/
 *
 * An import may only run downwards, never in a circle. scripts/ are CLIs over the same
 * layers; what CLIs and tests share lives in scripts/lib/, and no one imports a CLI.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules that import each other (directly or round a longer loop) are one module in two files.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-imports-no-feature',
      comment: 'shared/platform/ (config, clients, SQL, the HTTP pipeline) knows nothing of the domain.',
      severity: 'error',
      from: { path: '^shared/platform/' },
      to: { path: '^shared/', pathNot: '^shared/platform/' },
    },
    {
      name: 'features-import-no-api-or-wiring',
      comment: 'A feature is handed what it uses (shared/wiring.ts) and knows no HTTP route (shared/api/).',
      severity: 'error',
      from: { path: '^shared/', pathNot: ['^shared/api/', '^shared/wiring[.]ts$'] },
      to: { path: ['^shared/api/', '^shared/wiring[.]ts$'] },
    },
    {
      name: 'api-imports-no-wiring',
      comment: 'Routes and handler factories take services as arguments; the functions join them.',
      severity: 'error',
      from: { path: '^shared/api/' },
      to: { path: '^shared/wiring[.]ts$' },
    },
    {
      name: 'shared-imports-no-entry-point',
      comment: 'shared/ is what functions, CLIs and tests are built from, not the other way round.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(functions|scripts|test)/' },
    },
    {
      name: 'no-one-imports-a-cli',
      comment: 'A CLI (scripts/*.ts) is an entry point: what others need of it belongs in scripts/lib/.',
      severity: 'error',
      from: { path: '^(shared|functions|scripts/lib|test)/' },
      to: { path: '^scripts/[^/]+[.]ts$' },
    },
    {
      name: 'functions-import-no-function',
      comment: 'One file per handler; what two handlers share belongs in shared/.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^functions/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|[.]local|[.]esbuild|artillery/node_modules|bench/results)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
  },
};
