import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hashToken } from '../src/token-hash.js';
import { as, asEmbed, createKey } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { everyRow } from './support/database.js';
import { RecordingLogger } from './support/recording-logger.js';
import { webhookReceiver } from './support/webhook-receiver.js';

closesServers(test);

const A = '905321000101';
const CEM = '905551112233';

test('the plain key and embed token appear nowhere but their creation answers: not in logs, lists, the audit log, usage, errors, webhooks or the database', async () => {
  const logger = new RecordingLogger();
  const receiver = await webhookReceiver();
  const s = await testServer({ logger });
  try {
    await linkedSandbox(s, 'a', A);
    const created = await s.json('POST', '/api/keys', { name: 'integration', scope: 'global', permissions: ['read', 'send', 'manage'] });
    const plain: string = created.body.plain;
    const keyId: string = created.body.key.id;
    assert.ok(JSON.stringify(created.body).includes(plain), 'the creation answer holds the key');
    const key = as(s, plain);
    const answers: string[] = [];
    const keep = (res: { status: number; body: unknown }) => {
      answers.push(JSON.stringify(res.body));
      return res;
    };

    // The key at work, from several places, with successes and failures.
    assert.is(keep(await key('POST', '/api/instance/a/settings', { webhookUrl: receiver.url, webhookEnabled: true })).status, 200);
    assert.is(keep(await key('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'hello' })).status, 200);
    assert.is(keep(await s.json('GET', `/api/instance/a/messages?access_token=${plain}`, undefined, { authorization: '' })).status, 200);
    assert.is(keep(await s.json('GET', '/api/instance/a/chats', undefined, { authorization: '', 'x-api-key': plain })).status, 200);
    assert.is(keep(await key('POST', '/api/instance', { id: 'c', engine: 'sandbox' })).status, 200);
    assert.is(keep(await key('DELETE', '/api/instance/c')).status, 200);
    assert.is(keep(await key('POST', '/api/instance/a/webhooks/secret/rotate')).status, 200);
    assert.is(keep(await key('GET', '/api/keys')).status, 403);
    assert.is(keep(await key('POST', '/api/instance/a/messages/chat', { to: '', body: plain })).status, 400);
    assert.is(keep(await key('GET', '/api/instance/ghost/status')).status, 404);
    assert.is(keep(await as(s, `${plain}x`)('GET', '/api/instance')).status, 401, 'a key one character off');
    const embed = await key('POST', '/api/embed-tokens', { customerLabel: 'Acme', instanceIds: ['a'], permissions: 'read_write' });
    assert.is(embed.status, 200);
    const embedToken: string = embed.body.token;
    assert.ok(embed.body.embedUrl.includes(embedToken), 'the embed URL carries it');
    assert.is(keep(await asEmbed(s, embedToken)('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'from the inbox' })).status, 200);
    assert.is(keep(await asEmbed(s, embedToken)('GET', '/api/instance/a/settings')).status, 403);
    await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, body: 'a reply' });
    await eventually('webhook deliveries', () => {
      const events = receiver.accepted.map((r) => `${r.json.event}:${r.json.data.status ?? ''}`);
      return events.includes('message_received:') && events.filter((e) => e === 'message_ack:sent').length >= 2;
    });
    await s.hatline.usage.flush();

    const reads = {
      keys: (await s.json('GET', '/api/keys')).body,
      embedTokens: (await s.json('GET', '/api/embed-tokens')).body,
      audit: (await s.json('GET', '/api/audit?limit=500')).body,
      usage: (await s.json('GET', '/api/usage')).body,
      deliveries: (await s.json('GET', '/api/instance/a/webhooks/deliveries')).body,
      settings: (await s.json('GET', '/api/instance/a/settings')).body,
    };
    const database = await everyRow(s.hatline.database.db);
    const webhooks = receiver.received.map((r) => JSON.stringify(r.headers) + r.body).join('\n');
    const logs = logger.text();

    const places: Record<string, string> = { logs, webhooks, database, answers: answers.join('\n'), ...Object.fromEntries(Object.entries(reads).map(([k, v]) => [k, JSON.stringify(v)])) };
    for (const [where, text] of Object.entries(places)) {
      assert.not.ok(text.includes(plain), `the key is not in ${where}`);
      assert.not.ok(text.includes(embedToken), `the embed token is not in ${where}`);
      assert.not.ok(text.includes(TOKEN), `the admin token is not in ${where}`);
    }

    // ...and what they are the absence of is there: the key's traces, by id, prefix and hash.
    assert.ok(logs.includes(keyId), 'the logs name the key by its id (audit lines)');
    assert.ok(logs.split('\n').filter((l) => l.includes('"msg":"request"')).length >= 15, 'every request was logged');
    assert.ok(reads.keys.keys[0].prefix === plain.slice(0, 16), 'the list shows its prefix');
    assert.ok(reads.audit.items.some((e: any) => e.actor.id === keyId && e.action === 'settings.update'), 'the audit log names the key');
    assert.ok(reads.usage.keys[0].totalRequests >= 11, 'usage counted its requests');
    assert.ok(receiver.received.length >= 3, `webhooks were sent (${receiver.received.length})`);
    assert.ok(database.includes(hashToken(plain).toString('hex')), 'the database holds the key\'s hash');
    assert.ok(database.includes(hashToken(embedToken).toString('hex')), "and the embed token's");
  } finally {
    await receiver.close();
    await s.close();
  }
});

test.run();
