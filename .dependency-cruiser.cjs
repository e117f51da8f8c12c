/**
 * The layer rules (docs/ARCHITECTURE.md): http, dialects and mcp -> services -> storage and engines.
 * Engines and storage never import upward; ids, errors, the logger and paths sit at the bottom.
 * Checked by `npm run lint:deps` and by test/architecture.test.ts (so CI fails on a violation).
 */
const above = (...layers) => `^src/(${layers.join('|')})(/|\\.ts$)`;

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No module may depend on itself through others.', from: { path: '^(src|migrations)/' }, to: { circular: true } },
    {
      name: 'bottom-stays-bottom',
      severity: 'error',
      comment: 'ids, errors, logger, paths and the token hash import nothing of ours but each other.',
      from: { path: '^src/(ids|errors|logger|paths|token-hash)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(ids|errors|logger|paths|token-hash)\\.ts$' },
    },
    {
      name: 'storage-below-everything',
      severity: 'error',
      comment: 'Storage knows tables and SQL, nothing above it.',
      from: { path: '^(src/storage|migrations)/' },
      to: { path: above('http', 'dialects', 'mcp', 'services', 'jobs', 'engines', 'media', 'app', 'server', 'main', 'config') },
    },
    {
      name: 'engines-below-services',
      severity: 'error',
      comment: 'Engines talk to WhatsApp (or simulate it) and report through emit(); they never reach into storage or the layers above.',
      from: { path: '^src/engines/' },
      to: { path: above('http', 'dialects', 'mcp', 'services', 'jobs', 'storage', 'media', 'app', 'server', 'main', 'config') },
    },
    {
      name: 'media-is-storage',
      severity: 'error',
      comment: 'The media folder is file storage: it knows files, not services, jobs or HTTP.',
      from: { path: '^src/media/' },
      to: { path: above('http', 'dialects', 'mcp', 'services', 'jobs', 'storage', 'app', 'server', 'main') },
    },
    {
      name: 'net-is-a-lower-layer',
      severity: 'error',
      comment: 'src/net (which addresses outgoing connections may reach) is used by media, services and jobs, and knows none of them.',
      from: { path: '^src/net/' },
      to: { path: above('http', 'dialects', 'services', 'jobs', 'storage', 'engines', 'media', 'app', 'server', 'main', 'config') },
    },
    {
      name: 'services-below-http-and-jobs',
      severity: 'error',
      comment: 'Services hold the rules; HTTP, dialects, MCP and jobs call them, never the other way (jobs are reached through ports).',
      from: { path: '^src/services/' },
      to: { path: above('http', 'dialects', 'mcp', 'jobs', 'app', 'server', 'main') },
    },
    {
      name: 'jobs-below-http',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: above('http', 'dialects', 'mcp', 'app', 'server', 'main') },
    },
    {
      name: 'http-through-services',
      severity: 'error',
      comment: 'Routes, dialects and the MCP server translate; they reach data and WhatsApp only through services.',
      from: { path: '^src/(http|dialects|mcp)/' },
      to: { path: above('storage', 'jobs', 'engines', 'server', 'main'), pathNot: '^src/engines/registry\\.ts$' },
    },
    {
      name: 'no-dev-deps-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
