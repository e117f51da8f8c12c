import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHatlineClient } from '../clients/typescript/src/index.js';
import { generateClient, SCHEMA_FILE } from '../scripts/generate-client.js';
import { createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, TOKEN } from './support/app.js';
import { listen } from './support/listen.js';

// The typed TypeScript client (issue 22): generated from /openapi.json, checked in, never drifting.

const t = suite('typed client');
closesServers(t);

t('the checked-in schema is what /openapi.json says now (else: npm run client:generate)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-client-test-'));
  try {
    const fresh = path.join(dir, 'schema.d.ts');
    assert.ok(await generateClient(fresh), 'the generator wrote the temp file');
    const checkedIn = readFileSync(SCHEMA_FILE, 'utf8');
    const regenerated = readFileSync(fresh, 'utf8');
    if (checkedIn !== regenerated) {
      const a = checkedIn.split('\n');
      const b = regenerated.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      assert.unreachable(`clients/typescript/src/schema.d.ts differs from /openapi.json from line ${line + 1} (checked in: ${JSON.stringify(a[line])}, now: ${JSON.stringify(b[line])}): run npm run client:generate`);
    }
    assert.match(checkedIn, /"\/api\/instance\/\{instanceId\}\/messages\/chat": \{/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('against a running server: a send, then the history with it, and an error answer typed as the API\'s', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'demo');
  const { url } = await listen(s);
  const hatline = createHatlineClient(url, TOKEN);

  const sent = await hatline.POST('/api/instance/{instanceId}/messages/chat', {
    params: { path: { instanceId: 'demo' } },
    body: { to: '+905321234567', body: 'Merhaba from the typed client' },
  });
  assert.is(sent.response.status, 200);
  assert.is(sent.data?.sent, true);
  const id: string | undefined = sent.data?.id;

  const history = await hatline.GET('/api/instance/{instanceId}/messages', {
    params: { path: { instanceId: 'demo' }, query: { chatId: '905321234567', limit: 10 } },
  });
  assert.equal(history.data?.items.map((m) => [m.id, m.body, m.fromMe]), [[id, 'Merhaba from the typed client', true]]);
  assert.is(history.data?.total, 1);

  const missing = await hatline.GET('/api/instance/{instanceId}/status', { params: { path: { instanceId: 'nope' } } });
  assert.is(missing.response.status, 404);
  assert.is(missing.error?.code, 'not_found');
  assert.match(missing.error?.error ?? '', /instance nope not found/);

  // The types bite: a body without `to` does not compile (typecheck runs over this file).
  // @ts-expect-error `to` is required
  const bad = await hatline.POST('/api/instance/{instanceId}/messages/chat', { params: { path: { instanceId: 'demo' } }, body: { body: 'x' } });
  assert.is(bad.response.status, 400);
  assert.match(bad.error?.error ?? '', /to: is required/);
});

t('an API key works as the token, with its scope', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a');
  await linkedSandbox(s, 'b');
  const { plain } = await createKey(s, { name: 'crm', scope: 'instance', instanceIds: ['a'], permissions: ['read'] });
  const { url } = await listen(s);
  const crm = createHatlineClient(`${url}/`, plain);
  const list = await crm.GET('/api/instance');
  assert.is(list.response.status, 200);
  assert.equal(list.data?.instances, ['a']);
  assert.is((await crm.GET('/api/instance/{instanceId}/status', { params: { path: { instanceId: 'b' } } })).response.status, 404);
});

t.run();
