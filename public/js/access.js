// #/access — API keys, embed tokens, usage per key and per instance, and the audit log.
import { fill, h, poll } from './dom.js';
import { embedTokensSection } from './access/embed-tokens.js';
import { keysSection } from './access/keys.js';
import { auditSection, usageSection } from './access/usage.js';

export function accessView(root) {
  const usage = usageSection();
  const audit = auditSection();
  const refresh = () => {
    usage.load();
    audit.load();
  };
  const keys = keysSection(refresh);
  const tokens = embedTokensSection(refresh);
  fill(
    root,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All instances')),
    h('h1', { tabindex: '-1' }, 'Access'),
    h('p', { class: 'lead' }, 'The admin token can do everything. Hand out API keys and embed tokens that reach only some instances and do only what they were given.'),
    keys.el,
    tokens.el,
    usage.el,
    audit.el,
  );
  document.title = 'Access — Hatline';
  const poller = poll(async () => {
    await usage.load();
    await audit.load();
  }, 10000);
  return { stop: () => poller.stop() };
}
