import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { as, createKey } from './support/access.js';
import { closesServers, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { fileServer } from './support/http-fixture.js';

// wonotify (seed 003): every example request of the document, against sandbox instances.

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const NUMBER = '84933313001';

/** A wonotify request with no native token: access_token where the document puts it. */
function wono(s: TestServer) {
  return async (method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}, where: 'query' | 'body' = method === 'GET' ? 'query' : 'body') => {
    const init: RequestInit = { method, headers: {} };
    let url = path;
    if (where === 'query') {
      const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
      url += `?${q}`;
    } else {
      init.body = JSON.stringify(params);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await s.hatline.app.request(url, init);
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body, res };
  };
}

const history = async (s: TestServer, id: string) => (await s.json('GET', `/api/instance/${id}/messages?limit=50`)).body.items as any[];

const t = suite('wonotify dialect');
closesServers(t);

t('create_instance (POST, access_token in the query) creates an instance; get_qrcode answers its QR as a data URI', async () => {
  const s = await testServer();
  const w = wono(s);
  const created = await w('POST', '/api/create_instance', { access_token: TOKEN }, 'query');
  assert.is(created.status, 200);
  assert.is(created.body.status, 'success');
  const id = created.body.instance_id as string;
  assert.ok(id);
  assert.is((await s.json('GET', `/api/instance/${id}/status`)).status, 200);
  const qr = await w('GET', '/api/get_qrcode', { instance_id: id, access_token: TOKEN });
  assert.is(qr.status, 200, JSON.stringify(qr.body));
  assert.match(qr.body.base64, /^data:image\/png;base64,/);
  // Once linked, there is no QR to show.
  await s.json('POST', `/api/sandbox/${id}/scan`, {});
  const again = await w('GET', '/api/get_qrcode', { instance_id: id, access_token: TOKEN });
  assert.is(again.status, 409);
  assert.equal(Object.keys(again.body).sort(), ['message', 'status']);
  assert.is(again.body.status, 'error');
});

t('send: a text by GET query and by POST JSON (access_token in the body), under both base paths', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const w = wono(s);
  const byGet = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'test message', instance_id: 'w1', access_token: TOKEN });
  assert.is(byGet.status, 200, JSON.stringify(byGet.body));
  assert.is(byGet.body.status, 'success');
  assert.ok(byGet.body.data.id);
  const byPost = await w('POST', '/whatsapp_api/send', { number: NUMBER, type: 'text', message: 'posted', instance_id: 'w1', access_token: TOKEN });
  assert.is(byPost.status, 200, JSON.stringify(byPost.body));
  const rows = await history(s, 'w1');
  const sent = rows.filter((m) => m.fromMe);
  assert.equal(sent.map((m) => m.body).sort(), ['posted', 'test message']);
  assert.ok(sent.every((m) => m.chatId === `${NUMBER}@s.whatsapp.net`));
  assert.ok(sent.some((m) => m.id === byGet.body.data.id));
});

t('send type media: the file at media_url goes out as what its type says, with the caption and the filename', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const files = await fileServer({ '/a.png': ['image/png', PNG], '/r.pdf': ['application/pdf', Buffer.from('%PDF-1.4 test')] });
  try {
    const w = wono(s);
    const image = await w('GET', '/api/send', { number: NUMBER, type: 'media', message: 'caption', media_url: `${files.url}/a.png`, filename: 'file_test.jpg', instance_id: 'w1', access_token: TOKEN });
    assert.is(image.status, 200, JSON.stringify(image.body));
    assert.is(image.body.data.media_type, 'image');
    const doc = await w('POST', '/api/send', { number: NUMBER, type: 'media', message: 'report', media_url: `${files.url}/r.pdf`, filename: 'file_test.pdf', instance_id: 'w1', access_token: TOKEN });
    assert.is(doc.status, 200, JSON.stringify(doc.body));
    assert.is(doc.body.data.media_type, 'document');
    const rows = await history(s, 'w1');
    const img = rows.find((m) => m.id === image.body.data.id);
    assert.is(img.type, 'image');
    assert.is(img.body, 'caption');
    const pdf = rows.find((m) => m.id === doc.body.data.id);
    assert.is(pdf.type, 'document');
    const missing = await w('GET', '/api/send', { number: NUMBER, type: 'media', message: 'x', instance_id: 'w1', access_token: TOKEN });
    assert.is(missing.status, 400);
    assert.match(missing.body.message, /media_url/);
  } finally {
    await files.close();
  }
});

t('send_group: text to a group by GET and POST; a group id without @g.us is refused in the dialect shape', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const group = (await s.json('POST', '/api/sandbox/w1/groups', { name: 'Team', participants: [NUMBER] })).body.id as string;
  const w = wono(s);
  const a = await w('GET', '/api/send_group', { group_id: group, type: 'text', message: 'group message', instance_id: 'w1', access_token: TOKEN });
  assert.is(a.status, 200, JSON.stringify(a.body));
  const b = await w('POST', '/api/send_group', { group_id: group, type: 'text', message: 'second', instance_id: 'w1', access_token: TOKEN });
  assert.is(b.status, 200, JSON.stringify(b.body));
  const rows = await history(s, 'w1');
  assert.equal(rows.filter((m) => m.chatId === group).map((m) => m.body).sort(), ['group message', 'second']);
  const bad = await w('GET', '/api/send_group', { group_id: NUMBER, type: 'text', message: 'x', instance_id: 'w1', access_token: TOKEN });
  assert.is(bad.status, 400);
  assert.equal(Object.keys(bad.body).sort(), ['message', 'status']);
  assert.match(bad.body.message, /group_id/);
});

t("send_template: the document's interactive, template and list messages go out as numbered text, and the answer says so", async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const w = wono(s);
  const interactive = await w('POST', '/api/send_template?instance_id=w1&access_token=' + TOKEN, {
    number: NUMBER,
    type: 'interactive',
    message: {
      text: 'This is an Interactive message!',
      title: 'Test Title',
      subtitle: 'subtitle',
      footer: 'test footer',
      interactiveButtons: [
        { name: 'quick_reply', buttonParamsJson: '{"display_text":"Test","id":"685250bce39ca"}' },
        { name: 'cta_url', buttonParamsJson: '{"display_text":"Click me!","url":"https://baceoin.com"}' },
        { name: 'cta_call', buttonParamsJson: '{"display_text":"Call Us","phone_number":"+1234567890"}' },
        { name: 'cta_copy', buttonParamsJson: '{"display_text":"Copy Code","copy_code":"PROMO2024"}' },
      ],
    },
  });
  assert.is(interactive.status, 200, JSON.stringify(interactive.body));
  assert.is(interactive.body.data.rendered_as, 'text');
  assert.match(interactive.body.message, /as text/);
  const text = interactive.body.data.text as string;
  assert.match(text, /^\*Test Title\*\nsubtitle\n\nThis is an Interactive message!\n\n1\. Test\n2\. Click me! — https:\/\/baceoin\.com\n3\. Call Us — \+1234567890\n4\. Copy Code — PROMO2024\n\n_test footer_$/);
  const template = await w('POST', '/api/send_template?instance_id=w1&access_token=' + TOKEN, {
    number: NUMBER,
    type: 'template',
    message: { text: 'This is a template message!', footer: 'test footer', templateButtons: [{ index: 1, quickReplyButton: { displayText: 'Test', id: '685250bce39ca' } }] },
  });
  assert.is(template.status, 200, JSON.stringify(template.body));
  assert.is(template.body.data.text, 'This is a template message!\n\n1. Test\n\n_test footer_');
  const list = await w('POST', '/api/send_template?instance_id=w1&access_token=' + TOKEN, {
    number: NUMBER,
    type: 'list',
    message: { text: 'hello', footer: 'test footer', title: 'test title', buttonText: 'bay', sections: [{ title: 'hello', rows: [{ title: 'hello', rowId: '685410595972e', description: 'hello' }] }] },
  });
  assert.is(list.status, 200, JSON.stringify(list.body));
  assert.is(list.body.data.text, '*test title*\n\nhello\n\nbay:\n*hello*\n1. hello — hello\n\n_test footer_');
  const rows = await history(s, 'w1');
  assert.is(rows.find((m) => m.id === interactive.body.data.id).body, text);
  const broken = await w('POST', '/api/send_template?instance_id=w1&access_token=' + TOKEN, {
    number: NUMBER,
    type: 'interactive',
    message: { text: 'x', interactiveButtons: [{ name: 'quick_reply', buttonParamsJson: '{not json' }] },
  });
  assert.is(broken.status, 400);
  assert.match(broken.body.message, /message\.interactiveButtons\.0\.buttonParamsJson: is not valid JSON/);
});

t('set_webhook sets the URL and turns it on and off (the native settings show it)', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'w1', engine: 'sandbox' });
  const w = wono(s);
  const on = await w('GET', '/api/set_webhook', { webhook_url: 'https://webhook.site/1b25464d6833784f96eef4', enable: 'true', instance_id: 'w1', access_token: TOKEN });
  assert.is(on.status, 200, JSON.stringify(on.body));
  let settings = (await s.json('GET', '/api/instance/w1/settings')).body;
  assert.is(settings.webhookUrl, 'https://webhook.site/1b25464d6833784f96eef4');
  assert.is(settings.webhookEnabled, 'true');
  const off = await w('POST', '/api/set_webhook', { webhook_url: 'https://webhook.site/1b25464d6833784f96eef4', enable: false, instance_id: 'w1', access_token: TOKEN });
  assert.is(off.status, 200);
  settings = (await s.json('GET', '/api/instance/w1/settings')).body;
  assert.is(settings.webhookEnabled, 'false');
  const bad = await w('GET', '/api/set_webhook', { webhook_url: 'https://x.test/h', enable: 'maybe', instance_id: 'w1', access_token: TOKEN });
  assert.is(bad.status, 400);
  assert.match(bad.body.message, /enable/);
});

t('reboot logs out for a fresh QR; reconnect keeps the session; logout unlinks', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const w = wono(s);
  const reconnect = await w('GET', '/api/reconnect', { instance_id: 'w1', access_token: TOKEN });
  assert.is(reconnect.status, 200);
  const reboot = await w('GET', '/api/reboot', { instance_id: 'w1', access_token: TOKEN });
  assert.is(reboot.status, 200, JSON.stringify(reboot.body));
  const status = (await s.json('GET', '/api/instance/w1/status')).body;
  assert.is.not(status.accountStatus.status, 'open');
  assert.ok((await w('GET', '/api/get_qrcode', { instance_id: 'w1', access_token: TOKEN })).body.base64);
  await s.json('POST', '/api/sandbox/w1/scan', {});
  const out = await w('GET', '/api/logout', { instance_id: 'w1', access_token: TOKEN });
  assert.is(out.status, 200);
  assert.is((await s.json('GET', '/api/instance/w1/status')).body.accountStatus.status, 'disconnected');
});

t('reset_instance: a new instance id, the webhook kept, the old instance and its messages gone', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  const w = wono(s);
  await w('GET', '/api/set_webhook', { webhook_url: 'https://hooks.example.com/h', enable: 'true', instance_id: 'w1', access_token: TOKEN });
  await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'before reset', instance_id: 'w1', access_token: TOKEN });
  const reset = await w('GET', '/api/reset_instance', { instance_id: 'w1', access_token: TOKEN });
  assert.is(reset.status, 200, JSON.stringify(reset.body));
  const fresh = reset.body.instance_id as string;
  assert.is.not(fresh, 'w1');
  assert.is(reset.body.old_instance_id, 'w1');
  assert.is((await s.json('GET', '/api/instance/w1/status')).status, 404);
  assert.is((await s.json('GET', `/api/instance/${fresh}/settings`)).body.webhookUrl, 'https://hooks.example.com/h');
  assert.equal(await history(s, fresh), []);
  const gone = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w1', access_token: TOKEN });
  assert.is(gone.status, 404);
  assert.equal(gone.body.status, 'error');
});

t('errors are in the dialect shape: no token 401, unknown instance 404, a key outside its scope 404, without permission 403, not connected 409', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'w1');
  await s.json('POST', '/api/instance', { id: 'w2', engine: 'sandbox' });
  const w = wono(s);
  const none = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w1' });
  assert.is(none.status, 401);
  assert.equal(Object.keys(none.body).sort(), ['message', 'status']);
  const wrong = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w1', access_token: 'nope-nope-nope' });
  assert.is(wrong.status, 401);
  assert.is((await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'nope', access_token: TOKEN })).status, 404);
  const scoped = await createKey(s, { name: 'w2 only', scope: 'instance', permissions: ['read', 'send'], instanceIds: ['w2'] });
  const outside = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w1', access_token: scoped.plain });
  assert.is(outside.status, 404);
  const readOnly = await createKey(s, { name: 'reader', scope: 'global', permissions: ['read'] });
  const refused = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w1', access_token: readOnly.plain });
  assert.is(refused.status, 403);
  assert.match(refused.body.message, /send/);
  const created = await w('POST', '/api/create_instance', { access_token: scoped.plain }, 'query');
  assert.is(created.status, 403);
  const notOpen = await w('GET', '/api/send', { number: NUMBER, type: 'text', message: 'x', instance_id: 'w2', access_token: TOKEN });
  assert.is(notOpen.status, 409);
  assert.equal(Object.keys(notOpen.body).sort(), ['message', 'status']);
  const missing = await w('GET', '/api/send', { type: 'text', message: 'x', instance_id: 'w1', access_token: TOKEN });
  assert.is(missing.status, 400);
  assert.match(missing.body.message, /number/);
  const badJson = await s.hatline.app.request(`/api/send?access_token=${TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"number":' });
  assert.is(badJson.status, 400);
  assert.equal(await badJson.json(), { status: 'error', message: 'Malformed JSON in request body' });
  // The key works as a Bearer token too, and the native API still answers in its own shape.
  const send = as(s, scoped.plain);
  const native = await send('GET', '/api/instance/w1/status');
  assert.is(native.status, 404);
  assert.ok(native.body.error && native.body.code);
});

t.run();
