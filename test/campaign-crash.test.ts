import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually, closesServers } from './support/app.js';
import { startChildServer, type ChildServer } from './support/child-server.js';

closesServers(test);

const A = '905321000191';
const B = '905321000192';

async function receivedBodies(server: ChildServer): Promise<string[]> {
  const res = await server.call('GET', '/api/instance/b/messages?limit=1000');
  return res.body.items.filter((m: any) => !m.fromMe).map((m: any) => m.body);
}

// The bulk runner's crash seams, through a campaign: each recipient is marked `sending` right
// before WhatsApp is asked, and one left `sending` by a crash ends `failed`, never sent again.
test('a campaign killed with SIGKILL in the middle resumes after the restart: every recipient ends sent or failed, none is received twice', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-campaign-crash-'));
  const env = { DATA_DIR: path.join(dir, 'data'), MEDIA_DIR: path.join(dir, 'media') };
  let server = await startChildServer(env);
  try {
    for (const [id, phone] of [['a', A], ['b', B]] as const) {
      await server.call('POST', '/api/instance', { id, engine: 'sandbox' });
      await server.call('POST', `/api/instance/${id}/connect`);
      assert.is((await server.call('POST', `/api/sandbox/${id}/scan`, { phone })).status, 200);
    }
    // Every recipient is B, each with its own name and code, so B's inbox shows each text once or twice.
    const recipients = Array.from({ length: 16 }, (_, i) => ({ phone: B, name: `r${i}`, vars: { code: `K${i}` } }));
    const started = await server.call('POST', '/api/campaigns', { name: 'crash', instanceId: 'a', body: '{name}:{code}', delayMs: 500, recipients });
    assert.is(started.status, 200, JSON.stringify(started.body));
    const id = started.body.campaign.id;
    await eventually('some received', async () => (await receivedBodies(server)).length >= 5, 20_000);
    await server.kill('SIGKILL');

    server = await startChildServer(env);
    const done = await eventually('campaign finished after the restart', async () => {
      const c = (await server.call('GET', `/api/campaigns/${id}`)).body.campaign;
      return c.status === 'completed' ? c : false;
    }, 30_000);
    assert.is(done.total, 16);
    for (const r of done.recipients) assert.ok(r.status === 'sent' || r.status === 'failed', `recipient ${r.name}: ${r.status}`);
    const failed = done.recipients.filter((r: any) => r.status === 'failed');
    for (const r of failed) assert.match(r.error, /server stopped while this message was being sent/);
    assert.ok(failed.length <= 1, 'at most the one in flight failed');
    assert.ok(done.sent >= 15);
    assert.ok(done.recipients.some((r: any) => r.position >= 10 && r.status === 'sent'), 'recipients after the crash were sent by the new process');

    // B's inbox: nobody twice, each with its own variables. (The sandbox network holds a message for
    // ~100 ms before delivery and forgets it when killed, so one sent just before the kill may never arrive.)
    const sentTexts = done.recipients.filter((r: any) => r.status === 'sent').map((r: any) => `${r.name}:${r.vars.code}`);
    await eventually('B received the sent ones', async () => {
      const bodies = new Set(await receivedBodies(server));
      return sentTexts.filter((t: string) => !bodies.has(t)).length <= 1;
    }, 10_000);
    const bodies = await receivedBodies(server);
    assert.is(new Set(bodies).size, bodies.length, `no recipient received twice: ${bodies.join(' ')}`);
    for (const body of bodies) assert.match(body, /^r(\d+):K\1$/);
  } finally {
    await server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
