import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MCP_ACCESS, MCP_TOOLS } from '../src/mcp/index.js';
import { projectRoot } from '../src/paths.js';
import { createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { track } from './support/cleanup.js';
import { listen } from './support/listen.js';

// The MCP server at /mcp (issue 22), driven by the SDK's own client over HTTP.

const WAIT = { timeout: 5000 };
// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** An MCP client of the SDK connected to `url` with `token`; closed after the test. */
async function mcp(url: string, token: string) {
  const client = new Client({ name: 'hatline-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await client.connect(transport, WAIT);
  track(() => client.close());
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args }, undefined, WAIT);
    const text = (result.content as { type: string; text: string }[])[0]?.text ?? '';
    return { isError: result.isError === true, text, data: result.structuredContent as any };
  };
  const tools = async () => (await client.listTools(undefined, WAIT)).tools.map((t) => t.name).sort();
  return { client, call, tools };
}

async function setup(env: Record<string, string> = {}, now?: () => number) {
  const s = await testServer({ env, ...(now ? { now } : {}) });
  const { url } = await listen(s);
  return { s, url };
}

const history = async (s: TestServer, id: string, chatId?: string) =>
  (await s.json('GET', `/api/instance/${id}/messages${chatId ? `?chatId=${encodeURIComponent(chatId)}` : ''}`)).body.items as any[];

const t = suite('MCP server');
closesServers(t);

t('lists every tool to the admin token; a read-only key gets no tool that sends, and its calls to one are refused', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a');
  const admin = await mcp(url, TOKEN);
  assert.equal(await admin.tools(), MCP_TOOLS.map((x) => x.name).sort());
  const listed = (await admin.client.listTools(undefined, WAIT)).tools;
  const sendText = listed.find((x) => x.name === 'send_text')!;
  assert.equal(sendText.inputSchema.required, ['instanceId', 'to', 'body'], 'the input schema is the zod schema, as JSON Schema');
  assert.is(sendText.annotations?.readOnlyHint, false);
  assert.is(listed.find((x) => x.name === 'read_messages')!.annotations?.readOnlyHint, true);

  const reader = await mcp(url, (await createKey(s, { name: 'reader', scope: 'global', permissions: ['read'] })).plain);
  const readable = await reader.tools();
  assert.equal(readable, MCP_TOOLS.filter((x) => x.readOnly).map((x) => x.name).sort());
  assert.not.ok(readable.some((n) => n.startsWith('send_') || n === 'react' || n === 'mark_read' || n === 'schedule_message'));
  const refused = await reader.call('send_text', { instanceId: 'a', to: '905551112233', body: 'not allowed' });
  assert.ok(refused.isError, refused.text);
  assert.match(refused.text, /Tool send_text not found/, 'a tool the key may not call is not there for it');
  assert.match(reader.client.getInstructions() ?? '', /with the permissions read; tools that need more are not offered/);
  assert.equal(await history(s, 'a'), [], 'nothing was sent');

  // A key with send (but not manage) sends, and still cannot schedule.
  const sender = await mcp(url, (await createKey(s, { name: 'sender', scope: 'global', permissions: ['read', 'send'] })).plain);
  const sendable = await sender.tools();
  assert.ok(sendable.includes('send_text'));
  assert.not.ok(sendable.includes('schedule_message'));
  const sent = await sender.call('send_text', { instanceId: 'a', to: '905551112233', body: 'allowed' });
  assert.not.ok(sent.isError, sent.text);
  assert.equal((await history(s, 'a')).map((m) => m.body), ['allowed']);
});

t('a send through the tool is stored, and read back by read_messages and the API', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a');
  const { call } = await mcp(url, TOKEN);
  const sent = await call('send_text', { instanceId: 'a', to: '+90 555 111 22 33', body: 'Merhaba from MCP' });
  assert.not.ok(sent.isError, sent.text);
  assert.is(sent.data.sent, true);
  const stored = await history(s, 'a', '905551112233');
  assert.equal(stored.map((m) => [m.id, m.body, m.fromMe]), [[sent.data.id, 'Merhaba from MCP', true]]);
  const read = await call('read_messages', { instanceId: 'a', chatId: '905551112233' });
  assert.equal(read.data.messages.map((m: any) => m.id), [sent.data.id]);
  assert.match(read.data.messages[0].time, /^\d{4}-\d{2}-\d{2}T/);
  assert.match(read.text, /Merhaba from MCP/, 'the answer is readable as text too');

  const location = await call('send_location', { instanceId: 'a', to: '905551112233', lat: 41.0082, lng: 28.9784, name: 'Galata' });
  const poll = await call('send_poll', { instanceId: 'a', to: '905551112233', name: 'Ne zaman?', values: ['Pzt', 'Sal'] });
  assert.not.ok(location.isError || poll.isError, location.text + poll.text);
  const [newest, before] = await history(s, 'a', '905551112233');
  assert.equal([newest.type, newest.poll.values, before.type, before.location.name], ['poll_creation', ['Pzt', 'Sal'], 'location', 'Galata']);
});

t('bad input is a tool error naming the field, and nothing is sent', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a');
  const { call } = await mcp(url, TOKEN);
  const badTo = await call('send_text', { instanceId: 'a', to: 'someone', body: 'x' });
  assert.ok(badTo.isError);
  assert.match(badTo.text, /to: "someone" is neither a phone number/);
  const noBody = await call('send_text', { instanceId: 'a', to: '905551112233' });
  assert.ok(noBody.isError);
  assert.match(noBody.text, /expected string, received undefined at body/);
  const onePoll = await call('send_poll', { instanceId: 'a', to: '905551112233', name: 'Q', values: ['only'] });
  assert.match(onePoll.text, /a poll needs 2 to 12 options/, 'the API\'s own poll schema');
  const unknown = await call('send_text', { instanceId: 'nope', to: '905551112233', body: 'x' });
  assert.match(unknown.text, /instance nope not found \(not_found, HTTP 404\)/);
  assert.equal(await history(s, 'a'), []);
  // And the same call with good input goes out.
  assert.not.ok((await call('send_text', { instanceId: 'a', to: '905551112233', body: 'x' })).isError);
});

t('an instance key sees only its instance: in list_instances, in every tool and in the resources', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a', '905320000001');
  await linkedSandbox(s, 'b', '905320000002');
  await s.json('POST', '/api/sandbox/b/incoming', { from: '905551112233', body: 'for b only', name: 'Veli' });
  await s.json('POST', '/api/sandbox/a/incoming', { from: '905551112233', body: 'for a', name: 'Veli' });
  const key = await createKey(s, { name: 'only a', scope: 'instance', instanceIds: ['a'], permissions: ['read', 'send'] });
  const { client, call } = await mcp(url, key.plain);

  assert.equal((await call('list_instances')).data.instances.map((i: any) => [i.id, i.status, i.account.phone]), [['a', 'open', '905320000001']]);
  const own = await call('read_messages', { instanceId: 'a', chatId: '905551112233' });
  assert.equal(own.data.messages.map((m: any) => m.body), ['for a']);
  const other = await call('read_messages', { instanceId: 'b', chatId: '905551112233' });
  assert.ok(other.isError);
  assert.match(other.text, /instance b not found/);
  assert.not.match(other.text, /for b only/);
  const send = await call('send_text', { instanceId: 'b', to: '905551112233', body: 'through b' });
  assert.match(send.text, /instance b not found/);
  assert.equal((await history(s, 'b')).map((m) => m.body), ['for b only'], 'nothing was sent from b');

  const resources = await client.listResources(undefined, WAIT);
  assert.equal(resources.resources.map((r) => r.uri), ['hatline://instances/a/chats']);
  const recent = await client.readResource({ uri: 'hatline://instances/a/chats' }, WAIT);
  const body = JSON.parse((recent.contents[0] as { text: string }).text);
  assert.equal(body.chats.map((c: any) => [c.id, c.name, c.last.body]), [['905551112233@s.whatsapp.net', 'Veli', 'for a']]);
  const refused = await client.readResource({ uri: 'hatline://instances/b/chats' }, WAIT).then(
    () => null,
    (err: Error) => err,
  );
  assert.match(refused?.message ?? '', /instance b not found/);
});

t('"what did Ali write today? answer him": search, read today\'s messages, reply, and the reply is in the history', async () => {
  const day = Date.parse('2026-05-04T09:00:00Z');
  let clock = day - 24 * 3600_000; // yesterday first
  const { s, url } = await setup({}, () => clock);
  await linkedSandbox(s, 'shop', '905320000009');
  await s.json('POST', '/api/sandbox/shop/incoming', { from: '905557770001', body: 'Dünkü sipariş tamam mı?', name: 'Ali' });
  clock = day;
  await s.json('POST', '/api/sandbox/shop/incoming', { from: '905557770001', body: 'Bugün saat kaçta açıksınız?', name: 'Ali' });
  await s.json('POST', '/api/sandbox/shop/incoming', { from: '905557770002', body: 'Merhaba', name: 'Ayşe' });
  const { call } = await mcp(url, TOKEN);

  const found = await call('search_contacts', { instanceId: 'shop', query: 'ali' });
  assert.equal(found.data.contacts.map((c: any) => [c.id, c.notify]), [['905557770001@s.whatsapp.net', 'Ali']]);
  const ali = found.data.contacts[0].id;

  const today = await call('read_messages', { instanceId: 'shop', chatId: ali, since: '2026-05-04' });
  assert.equal(today.data.messages.map((m: any) => [m.body, m.senderName, m.fromMe]), [['Bugün saat kaçta açıksınız?', 'Ali', false]]);
  assert.is(today.data.nextCursor, null, 'older messages are before "since": no next page');
  const all = await call('read_messages', { instanceId: 'shop', chatId: ali });
  assert.is(all.data.messages.length, 2, 'without since, yesterday\'s message is there too');

  const question = today.data.messages[0].id;
  const reply = await call('send_text', { instanceId: 'shop', to: ali, body: 'Merhaba Ali, bugün 09:00-19:00 açığız.', quotedMessageId: question });
  assert.not.ok(reply.isError, reply.text);
  const read = await call('mark_read', { instanceId: 'shop', chatId: ali });
  assert.equal(read.data, { success: true, marked: 2 });

  const stored = await history(s, 'shop', ali);
  assert.equal(stored.map((m) => [m.body, m.fromMe]), [
    ['Merhaba Ali, bugün 09:00-19:00 açığız.', true],
    ['Bugün saat kaçta açıksınız?', false],
    ['Dünkü sipariş tamam mı?', false],
  ]);
  assert.is(stored[0].id, reply.data.id);
  assert.is(stored[0].quotedMessageId, question, 'the reply quotes his question');
});

t('scheduled messages: create one through the tool, and list it', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a');
  const { call } = await mcp(url, TOKEN);
  const at = new Date(Date.now() + 3600_000).toISOString();
  const created = await call('schedule_message', { instanceId: 'a', recipient: '905551112233', body: 'later', scheduledAt: at });
  assert.not.ok(created.isError, created.text);
  const listed = await call('list_scheduled', { instanceId: 'a', status: 'pending' });
  assert.equal(listed.data.items.map((i: any) => [i.id, i.body, i.status]), [[created.data.id, 'later', 'pending']]);
  const past = await call('schedule_message', { instanceId: 'a', recipient: '905551112233', body: 'too late', scheduledAt: '2020-01-01T00:00:00Z' });
  assert.match(past.text, /scheduledAt: .* is not in the future/);
  assert.is((await s.json('GET', '/api/instance/a/scheduled')).body.total, 1);
});

t('groups: create one, add and remove members, list it; a key without manage is not offered these tools', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a', '905321000091');
  await linkedSandbox(s, 'b', '905321000092');
  const { call } = await mcp(url, TOKEN);
  const created = await call('create_group', { instanceId: 'a', name: 'Ekip', participants: ['+905321000092'] });
  assert.not.ok(created.isError, created.text);
  const group = created.data.group;
  assert.equal([group.name, group.participants.map((p: any) => p.id)], ['Ekip', ['905321000091@s.whatsapp.net', '905321000092@s.whatsapp.net']]);

  const added = await call('update_group_participants', { instanceId: 'a', groupId: group.id, action: 'add', participants: ['905559990091', '905559990000'] });
  assert.equal(added.data.participants, [
    { participant: '905559990091@s.whatsapp.net', status: 'success', message: 'Action success' },
    { participant: '905559990000@s.whatsapp.net', status: 'error', message: 'not on WhatsApp' },
  ]);
  const removed = await call('update_group_participants', { instanceId: 'a', groupId: group.id, action: 'remove', participants: ['905321000092'] });
  assert.is(removed.data.participants[0].status, 'success');
  const stored = await s.json('GET', `/api/instance/a/groups/group?groupId=${encodeURIComponent(group.id)}`);
  assert.equal(stored.body.participants.map((p: any) => p.id), ['905321000091@s.whatsapp.net', '905559990091@s.whatsapp.net']);
  assert.equal((await call('list_groups', { instanceId: 'a' })).data.groups.map((g: any) => [g.id, g.name, g.participants]), [[group.id, 'Ekip', 2]]);
  const badGroup = await call('update_group_participants', { instanceId: 'a', groupId: 'not-a-group', action: 'add', participants: ['905559990091'] });
  assert.match(badGroup.text, /groupId: "not-a-group" is not a group id/);

  const sender = await mcp(url, (await createKey(s, { name: 'sender', scope: 'global', permissions: ['read', 'send'] })).plain);
  const offered = await sender.tools();
  assert.ok(offered.includes('list_groups') && offered.includes('send_text'));
  assert.not.ok(offered.includes('create_group') || offered.includes('update_group_participants'), 'running groups needs manage, as in the API');
});

t('a tool call holds its instance: deleting the instance waits until the call is done', async () => {
  const { s, url } = await setup();
  await linkedSandbox(s, 'a');
  // A media URL that answers only when the test says so.
  let release = () => undefined as void;
  let asked = false;
  const media = createServer((_req, res) => {
    asked = true;
    release = () => res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  track(async () => {
    media.closeAllConnections();
    await new Promise((resolve) => media.close(resolve));
  });
  const { call } = await mcp(url, TOKEN);
  const sending = call('send_media', { instanceId: 'a', to: '905551112233', url: `http://127.0.0.1:${(media.address() as AddressInfo).port}/p.png` });
  await eventually('the media URL asked for', () => asked);

  const deleting = s.json('DELETE', '/api/instance/a');
  const early = await Promise.race([deleting.then(() => 'deleted'), new Promise((r) => setTimeout(() => r('waiting'), 200))]);
  assert.is(early, 'waiting', 'the deletion waits for the tool call');
  release();
  const sent = await sending;
  // The call ends as a native send under way does: the instance it was sending from is going (404).
  assert.match(sent.text, /instance a not found \(not_found, HTTP 404\)/);
  assert.equal((await deleting).status, 200, 'and the deletion goes through once the call is done');
  assert.is((await s.json('GET', '/api/instance/a/status')).status, 404);
});

t("the README's MCP section lists every tool with the permission it needs", () => {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## MCP'), readme.indexOf('## Typed client'));
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| .+ \| `(read|send|manage)` \|$/gm)].map((m) => `${m[1]}: ${m[2]}`);
  const expected = MCP_TOOLS.map((x) => {
    const line = MCP_ACCESS[x.name];
    return `${x.name}: ${line?.need === 'permission' ? line.permission : line?.need}`;
  });
  assert.equal(rows.sort(), expected.sort());
});

t.run();

const gates = suite('MCP over HTTP: the gates of the API');
closesServers(gates);

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } } };
const post = (url: string, headers: Record<string, string>, body: unknown = initialize) =>
  fetch(`${url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });

gates('no token or a wrong one is a 401 in JSON-RPC shape; the right one initializes', async () => {
  const { url } = await setup();
  const none = await post(url, {});
  assert.is(none.status, 401);
  assert.is(none.headers.get('www-authenticate'), 'Bearer realm="hatline"');
  const body = await none.json();
  assert.equal([body.jsonrpc, body.id, body.error.data.code], ['2.0', null, 'unauthorized']);
  assert.is((await post(url, { authorization: 'Bearer wrong' })).status, 401);
  const ok = await post(url, { authorization: `Bearer ${TOKEN}` });
  assert.is(ok.status, 200);
  assert.is((await ok.json()).result.serverInfo.name, 'hatline');
  const get = await fetch(`${url}/mcp`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' } });
  assert.is(get.status, 405, 'no server-initiated stream: clients take 405 as "not offered"');
  const spec = await (await fetch(`${url}/openapi.json`)).json();
  assert.equal(spec.paths['/mcp'].post.tags, ['MCP'], '/openapi.json documents it');
  for (const x of MCP_TOOLS) assert.ok(spec.paths['/mcp'].post.description.includes(x.name), x.name);
});

gates('the rate limit per token applies to /mcp as to the API, and the usage meter counts a key\'s MCP requests', async () => {
  const { s, url } = await setup({ RATE_LIMIT_PER_MINUTE: '3' });
  const key = await createKey(s, { name: 'bot', scope: 'global', permissions: ['read'] });
  const other = await createKey(s, { name: 'other bot', scope: 'global', permissions: ['read'] });
  const auth = { authorization: `Bearer ${key.plain}` };
  for (let i = 0; i < 3; i++) assert.is((await post(url, auth)).status, 200);
  const limited = await post(url, auth);
  assert.is(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.is((await limited.json()).error.data.code, 'rate_limited');
  assert.is((await post(url, { authorization: `Bearer ${other.plain}` })).status, 200, 'the limit is per token: another key still goes through');
  const usage = await s.json('GET', '/api/usage');
  assert.equal(
    usage.body.keys.map((k: any) => [k.name, k.totalRequests, k.successfulRequests, k.failedRequests]).sort(),
    [['bot', 4, 3, 1], ['other bot', 1, 1, 0]],
  );
});

gates.run();
