import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';
import { closesServers, testServer } from './support/app.js';

// The embed page at an embed token's embedUrl (issue 18, item 4): served with a policy that lets
// only EMBED_ALLOWED_ORIGINS frame it; the dashboard itself cannot be framed.

const config = suite('EMBED_ALLOWED_ORIGINS');

config('is empty by default, takes a comma list of origins (normalised) or * alone', () => {
  assert.equal(loadConfig({}).embedAllowedOrigins, []);
  assert.equal(loadConfig({ EMBED_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:8080/ ,HTTPS://Crm.Example:443' }).embedAllowedOrigins, [
    'https://shop.example',
    'http://localhost:8080',
    'https://crm.example',
  ]);
  assert.equal(loadConfig({ EMBED_ALLOWED_ORIGINS: '*' }).embedAllowedOrigins, ['*']);
});

for (const bad of ['shop.example', 'https://shop.example/inbox', 'ftp://shop.example', 'https://shop.example?x=1', '*, https://shop.example', 'https://user:pw@shop.example']) {
  config(`stops start-up naming the variable for "${bad}"`, () => {
    assert.throws(
      () => loadConfig({ EMBED_ALLOWED_ORIGINS: bad }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'EMBED_ALLOWED_ORIGINS',
    );
  });
}

const page = suite('GET /embed/');
closesServers(page);

const policyOf = (res: Response) => res.headers.get('content-security-policy') ?? '';
const ancestors = (policy: string) => policy.split('; ').find((d) => d.startsWith('frame-ancestors '));

page('answers the embed page without a token (the token stays in the fragment), framed only by Hatline itself by default', async () => {
  const s = await testServer();
  const res = await s.call('GET', '/embed/', undefined, { authorization: '' });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const html = await res.text();
  assert.match(html, /<base href="\.\.\/">/);
  assert.match(html, /js\/embed\.js/);
  const policy = policyOf(res);
  assert.is(ancestors(policy), "frame-ancestors 'self'");
  for (const d of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'"]) assert.ok(policy.includes(d), `${d} in ${policy}`);
  assert.is(res.headers.get('referrer-policy'), 'no-referrer');
  assert.is(res.headers.get('x-frame-options'), null, 'no X-Frame-Options: it would forbid every origin the setting allows');
});

page('lists EMBED_ALLOWED_ORIGINS in frame-ancestors, or any origin with *', async () => {
  const some = await testServer({ env: { EMBED_ALLOWED_ORIGINS: 'https://shop.example,http://localhost:8080' } });
  assert.is(ancestors(policyOf(await some.call('GET', '/embed/'))), "frame-ancestors 'self' https://shop.example http://localhost:8080");
  const any = await testServer({ env: { EMBED_ALLOWED_ORIGINS: '*' } });
  assert.is(ancestors(policyOf(await any.call('GET', '/embed/'))), 'frame-ancestors *');
});

page('/embed redirects to /embed/ (relative, so a path prefix is kept); the page cannot be reached under another name', async () => {
  const s = await testServer();
  const res = await s.call('GET', '/embed');
  assert.is(res.status, 301);
  assert.is(res.headers.get('location'), 'embed/');
  assert.is((await s.call('GET', '/embed/index.html')).status, 404, 'not without its policy');
});

page('the dashboard and the API reference may not be framed by any site', async () => {
  const s = await testServer();
  for (const path of ['/', '/index.html', '/docs']) {
    const res = await s.call('GET', path, undefined, { authorization: '' });
    assert.is(res.status, 200, path);
    assert.is(policyOf(res), "frame-ancestors 'none'", path);
    assert.is(res.headers.get('x-frame-options'), 'DENY', path);
  }
  const script = await s.call('GET', '/js/app.js', undefined, { authorization: '' });
  assert.is(script.status, 200);
  assert.is(policyOf(script), '', 'scripts and styles need no policy of their own');
});

config.run();
page.run();
