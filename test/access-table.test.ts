import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CONWP_ACCESS } from '../src/dialects/conwp/index.js';
import { EVOLUTION_ACCESS, WAFIXER_BASE } from '../src/dialects/evolution/index.js';
import { GOWA_ACCESS, GOWA_BASE } from '../src/dialects/gowa/index.js';
import { WONOTIFY_ACCESS, WONOTIFY_BASES } from '../src/dialects/wonotify/index.js';
import { ACCESS_TABLE } from '../src/http/access-table.js';
import { MCP_ACCESS, MCP_TOOLS } from '../src/mcp/index.js';
import { ADMIN, canSee, eventFilterFor, visibleTo, type Principal } from '../src/services/access/principal.js';
import { refusal } from '../src/services/access/requirement.js';
import { closesServers, testServer } from './support/app.js';

const table = suite('the permission table');
closesServers(table);

table('every /api route has its line in the table, and every line is a route', async () => {
  const s = await testServer();
  // wonotify's operations live under /api/ too; their lines are in the dialect's own table (below).
  const wonotify = new Set(WONOTIFY_BASES.flatMap((base) => Object.keys(WONOTIFY_ACCESS).map((op) => `${base}/${op}`)));
  const routes = new Set(
    s.hatline.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && !wonotify.has(r.path) && !r.path.startsWith(`${WAFIXER_BASE}/`))
      .map((r) => `${r.method} ${r.path}`),
  );
  assert.ok(routes.size > 70, `${routes.size} routes`);
  const missing = [...routes].filter((r) => !(r in ACCESS_TABLE));
  assert.equal(missing, [], 'routes without a line are open to the admin token only: give them one');
  const stale = Object.keys(ACCESS_TABLE).filter((line) => !routes.has(line));
  assert.equal(stale, [], 'lines without a route');
  await s.close();
});

table("every dialect operation has its line in the dialect's table, and is served under its paths", async () => {
  const s = await testServer();
  const paths = new Set(s.hatline.app.routes.map((r) => r.path));
  for (const base of WONOTIFY_BASES) for (const op of Object.keys(WONOTIFY_ACCESS)) assert.ok(paths.has(`${base}/${op}`), `${base}/${op}`);
  assert.ok(paths.has('/yonetim/api/index.php'));
  const gowa = s.hatline.app.routes.filter((r) => r.path.startsWith(`${GOWA_BASE}/`) && r.method !== 'ALL' && !r.path.includes('/statics/')).map((r) => `${r.method} ${r.path.slice(GOWA_BASE.length)}`);
  assert.equal([...new Set(gowa)].sort(), Object.keys(GOWA_ACCESS).sort(), 'every GoWA route has its line, and every line a route');
  assert.equal(Object.keys(CONWP_ACCESS).sort(), ['devices', 'send-bulk-message', 'send-message', 'status']);
  // Evolution's operations, under seed 000's base and under EVOLUTION_PREFIX alike.
  for (const base of [WAFIXER_BASE, s.config.evolutionPrefix]) {
    const evolution = s.hatline.app.routes
      .filter((r) => r.path.startsWith(`${base}/`) && r.path !== `${base}/` && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.slice(base.length + 1).replace(/\/:instanceName$/, '')}`);
    assert.equal([...new Set(evolution)].sort(), Object.keys(EVOLUTION_ACCESS).sort(), `every Evolution route under ${base} has its line, and every line a route`);
  }
  assert.equal(EVOLUTION_ACCESS['POST instance/create'], { need: 'permission', permission: 'manage', globalScope: true }, 'creating an instance needs a global key, as Evolution\'s global key');
  assert.equal(EVOLUTION_ACCESS['POST message/sendText'], { need: 'permission', permission: 'send' });
  assert.equal(EVOLUTION_ACCESS['GET instance/fetchInstances'], { need: 'permission', permission: 'read' });
  assert.equal(EVOLUTION_ACCESS['GET webhook/find'], { need: 'permission', permission: 'manage' }, 'the webhook holds its headers: manage, like the native settings');
  // Sends need send, reads read, and what creates or replaces an instance a global key.
  assert.equal(WONOTIFY_ACCESS.send, { need: 'permission', permission: 'send' });
  assert.equal(WONOTIFY_ACCESS.create_instance, { need: 'permission', permission: 'manage', globalScope: true });
  assert.equal(WONOTIFY_ACCESS.reset_instance, { need: 'permission', permission: 'manage', globalScope: true });
  assert.equal(CONWP_ACCESS.devices, { need: 'permission', permission: 'read' });
  await s.close();
});

table('GoWA: sends and message actions need send, reads read, GETs that act or show the webhook secret manage; every route is in /openapi.json', async () => {
  const p = (permission: string) => ({ need: 'permission', permission });
  // GETs that are not reads: GoWA logs in and out by GET, and the webhook answer holds the signing secret.
  const actingGets = new Set(['GET /app/login', 'GET /app/login-with-code', 'GET /app/logout', 'GET /app/reconnect', 'GET /devices/:device_id/login', 'GET /devices/:device_id/webhook']);
  for (const [line, requirement] of Object.entries(GOWA_ACCESS)) {
    if (/^POST \/(send|message)\//.test(line) || /^POST \/chat\//.test(line)) assert.equal(requirement, p('send'), line);
    else if (line.startsWith('GET ') && !actingGets.has(line)) assert.equal(requirement, p('read'), line);
    else if (line === 'POST /devices') assert.equal(requirement, { ...p('manage'), globalScope: true }, line);
    else assert.equal(requirement, p('manage'), line);
  }
  assert.ok(Object.keys(GOWA_ACCESS).length >= 65, `${Object.keys(GOWA_ACCESS).length} GoWA operations`);
  const s = await testServer();
  const spec = await (await s.hatline.app.request('/openapi.json')).json();
  for (const line of Object.keys(GOWA_ACCESS)) {
    const [method, path] = line.split(' ') as [string, string];
    const op = spec.paths[`${GOWA_BASE}${path.replace(/:(\w+)/g, '{$1}')}`]?.[method.toLowerCase()];
    assert.ok(op, `${line} is in /openapi.json`);
    assert.equal(op.tags, ['GoWA (seed 002)'], line);
  }
  await s.close();
});

table("every MCP tool has its line, the one of the native endpoint it stands for: reads need read, the rest send or manage", () => {
  assert.equal(Object.keys(MCP_ACCESS).sort(), MCP_TOOLS.map((t) => t.name).sort(), 'every tool has its line, and every line a tool');
  for (const t of MCP_TOOLS) {
    const line = ACCESS_TABLE[t.endpoint];
    assert.ok(line, `${t.name}: ${t.endpoint} is a line of ACCESS_TABLE`);
    assert.equal(MCP_ACCESS[t.name], line, t.name);
    assert.is(line.need, 'permission', t.name);
    const permission = line.need === 'permission' ? line.permission : null;
    if (t.readOnly) assert.is(permission, 'read', `${t.name} reads`);
    else assert.ok(permission === 'send' || permission === 'manage', `${t.name} changes something: ${permission}`);
  }
  const reader: Principal = { kind: 'key', id: 'key_1', name: 'k', scope: 'global', instanceIds: [], permissions: ['read'], hourlyLimit: null };
  assert.ok(refusal(reader, MCP_ACCESS.send_text, 'send_text'), 'a read-only key may not send');
  assert.is(refusal(reader, MCP_ACCESS.read_messages, 'read_messages'), null, 'and may read');
});

table('every GET a key may call needs read, unless it holds a secret (settings) or is about webhooks or access itself', () => {
  const exceptions = new Set([
    'GET /api/instance/:instanceId/settings',
    'GET /api/instance/:instanceId/webhooks/deliveries',
    'GET /api/keys',
    'GET /api/embed-tokens',
    'GET /api/embed/status',
    'GET /api/usage',
    'GET /api/audit',
  ]);
  for (const [line, requirement] of Object.entries(ACCESS_TABLE)) {
    if (!line.startsWith('GET ') || exceptions.has(line)) continue;
    assert.equal(requirement.need === 'permission' && requirement.permission, 'read', line);
  }
});

table('an endpoint missing from the table is refused to keys and embed tokens, not to the admin token', () => {
  const key: Principal = { kind: 'key', id: 'key_1', name: 'k', scope: 'global', instanceIds: [], permissions: ['read', 'send', 'manage'], hourlyLimit: null };
  assert.match(refusal(key, undefined, 'GET /api/new-thing') ?? '', /admin token only/);
  assert.is(refusal(ADMIN, undefined, 'GET /api/new-thing'), null);
});

table.run();

const scope = suite('scope: what a principal sees');
closesServers(scope);

const scoped: Principal = { kind: 'key', id: 'key_1', name: 'k', scope: 'instance', instanceIds: ['a'], permissions: ['read'], hourlyLimit: null };

scope('canSee and visibleTo: an instance principal sees its instances, a global one every instance', () => {
  assert.ok(canSee(scoped, 'a'));
  assert.not.ok(canSee(scoped, 'b'));
  assert.ok(canSee(ADMIN, 'b'));
  const items = [{ id: 'a' }, { id: 'b' }];
  assert.equal(visibleTo(scoped, items, (i) => i.id), [{ id: 'a' }]);
  assert.equal(visibleTo(ADMIN, items, (i) => i.id), items);
});

scope('the event filter lets an instance key receive the events of its instances only (for the event stream)', () => {
  const events = [
    { event: 'message_received', instance_id: 'a' },
    { event: 'message_received', instance_id: 'b' },
    { event: 'connection_status', instance_id: 'a' },
  ];
  assert.equal(events.filter(eventFilterFor(scoped)).map((e) => `${e.event}@${e.instance_id}`), ['message_received@a', 'connection_status@a']);
  assert.equal(events.filter(eventFilterFor(ADMIN)).length, 3, 'the admin token receives all of them');
  assert.equal([{ instanceId: 'b' }, { instanceId: 'a' }].filter(eventFilterFor(scoped)), [{ instanceId: 'a' }], 'camelCase events too');
});

scope.run();

const docs = suite('the Access endpoints in /openapi.json');
closesServers(docs);

docs('keys, embed tokens, embed status, usage and the audit log are documented under the Access tag', async () => {
  const s = await testServer();
  const spec = await (await s.hatline.app.request('/openapi.json')).json();
  for (const [path, methods] of Object.entries({
    '/api/keys': ['get', 'post'],
    '/api/keys/{id}': ['delete'],
    '/api/embed-tokens': ['get', 'post'],
    '/api/embed-tokens/{id}': ['delete'],
    '/api/embed/status': ['get'],
    '/api/usage': ['get'],
    '/api/audit': ['get'],
  })) {
    for (const method of methods) {
      const op = spec.paths[path]?.[method];
      assert.ok(op, `${method} ${path}`);
      assert.equal(op.tags, ['Access'], `${method} ${path}`);
      assert.ok(op.responses['403'], `${method} ${path} documents its 403`);
    }
  }
  assert.ok(spec.components.securitySchemes.embedToken, 'the x-embed-token header is a security scheme');
  await s.close();
});

docs.run();
