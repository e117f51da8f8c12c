import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCESS_TABLE } from '../src/http/access-table.js';
import { closesServers, testServer } from './support/app.js';

const docs = suite('/openapi.json for the capabilities');
closesServers(docs);

const toOpenApi = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

docs('every route of an instance or a sandbox is documented, and every route that asks WhatsApp for a capability documents its 501', async () => {
  const s = await testServer();
  const doc = (await s.json('GET', '/openapi.json')).body;
  const lines = Object.keys(ACCESS_TABLE).filter((line) => / \/api\/(instance|sandbox)\//.test(line));
  assert.ok(lines.length > 100, `${lines.length} routes`);
  const missing = lines.filter((line) => {
    const [method, path] = line.split(' ') as [string, string];
    return !doc.paths[toOpenApi(path)]?.[method.toLowerCase()];
  });
  assert.equal(missing, [], 'routes missing from /openapi.json');
  const I = '/api/instance/{instanceId}';
  const capabilityRoutes: [string, string][] = [
    ['post', '/messages/edit'], ['post', '/messages/forward'], ['post', '/messages/star'], ['post', '/messages/unstar'], ['post', '/messages/read'],
    ['post', '/messages/link'], ['post', '/chats/pin'], ['post', '/chats/mute'], ['post', '/chats/unread'], ['post', '/chats/presence'],
    ['post', '/groups'], ['post', '/groups/participants/add'], ['get', '/groups/invite'], ['post', '/groups/join'], ['get', '/groups/requests'],
    ['post', '/groups/locked'], ['get', '/profile'], ['get', '/profile/privacy'], ['get', '/contacts/info'], ['get', '/channels'], ['get', '/labels'],
  ];
  for (const [method, path] of capabilityRoutes) assert.ok(doc.paths[`${I}${path}`][method].responses['501'], `${method} ${path} documents 501`);
});

docs('the send bodies document the reply, mentions and view once; settings document the opt-in events and rejectCalls', async () => {
  const s = await testServer();
  const doc = (await s.json('GET', '/openapi.json')).body;
  const body = (path: string) => doc.paths[`/api/instance/{instanceId}/messages/${path}`].post.requestBody.content['application/json'].schema.properties;
  for (const path of ['chat', 'image', 'video', 'document', 'audio', 'voice', 'sticker', 'location', 'contact', 'poll', 'link']) {
    assert.ok(body(path).quotedMessageId && body(path).mentions, `${path}: quotedMessageId and mentions`);
  }
  assert.ok(body('image').viewOnce && body('video').viewOnce);
  assert.not.ok(body('chat').viewOnce, 'view once is for images and videos');
  const update = doc.components.schemas.UpdateSettings.properties;
  assert.equal(update.webhookEvents.items.enum, [
    'message_received', 'message_ack', 'connection_status', 'message_edited', 'message_revoked', 'message_reaction', 'poll_vote', 'group_update', 'presence_update', 'call',
  ]);
  assert.ok(update.rejectCalls && update.rejectCallsMessage);
  assert.ok(doc.components.schemas.Message.properties.reactions);
});

docs.run();
