import type { Permission } from '../services/access/principal.js';
import type { Requirement } from '../services/access/requirement.js';

/**
 * What each endpoint of the native API asks of the principal, by method and route pattern: the
 * one table of permissions (checked in middleware/access.ts; test/access-table.test.ts checks
 * that every /api route has its line). An /api route missing here is open to the admin token only.
 *
 * read: GETs (but not settings, which hold the webhook secret, nor webhook deliveries);
 * send: messages and chat actions; manage: instance lifecycle, settings, webhooks, chatbot, jobs,
 * media deletion, sandbox controls, embed tokens. `embed` marks what embed tokens reach.
 *
 * `GET /metrics` is outside /api and has no line: it takes METRICS_TOKEN or the admin token, never
 * a key or an embed token (middleware/metrics-auth.ts).
 */
const p = (permission: Permission, extra: { embed?: true; globalScope?: true } = {}): Requirement => ({ need: 'permission', permission, ...extra });
const read = p('read');
const send = p('send');
const manage = p('manage');
const embedRead = p('read', { embed: true });
const embedSend = p('send', { embed: true });

const I = '/api/instance/:instanceId';
const SENDS = ['chat', 'image', 'video', 'document', 'audio', 'voice', 'sticker', 'location', 'contact', 'poll', 'reaction', 'link', 'forward', 'read'];

export const ACCESS_TABLE: Readonly<Record<string, Requirement>> = Object.freeze({
  // Access itself
  'GET /api/keys': { need: 'admin' },
  'POST /api/keys': { need: 'admin' },
  'DELETE /api/keys/:id': { need: 'admin' },
  'GET /api/embed-tokens': manage,
  'POST /api/embed-tokens': manage,
  'DELETE /api/embed-tokens/:id': manage,
  'GET /api/embed/status': { need: 'embed' },
  'GET /api/usage': { need: 'key' },
  'GET /api/audit': { need: 'admin' },

  // The event stream (an embed token follows its instances)
  'GET /api/events': embedRead,
  'GET /api/events/ws': embedRead,

  // Operations
  'POST /api/admin/backup': { need: 'admin' },

  // Instances
  'GET /api/engines': read,
  'GET /api/instance': read,
  'POST /api/instance': p('manage', { globalScope: true }),
  [`DELETE ${I}`]: manage,
  // Filing an instance under a group changes how the operator's instances are organised: a global key.
  [`PATCH ${I}`]: p('manage', { globalScope: true }),
  [`GET ${I}/status`]: read,
  [`GET ${I}/qr`]: read,
  [`GET ${I}/qrcode`]: read,
  [`GET ${I}/me`]: read,
  [`POST ${I}/connect`]: manage,
  [`POST ${I}/restart`]: manage,
  [`POST ${I}/logout`]: manage,
  [`POST ${I}/clear`]: manage,

  // Messages
  ...Object.fromEntries(SENDS.map((name) => [`POST ${I}/messages/${name}`, embedSend])),
  [`POST ${I}/messages/delete`]: send,
  [`POST ${I}/messages/edit`]: send,
  [`POST ${I}/messages/star`]: send,
  [`POST ${I}/messages/unstar`]: send,
  [`GET ${I}/messages`]: embedRead,
  [`GET ${I}/messages/statistics`]: embedRead,
  [`POST ${I}/messages/clear`]: manage,
  [`DELETE ${I}/messages/clear`]: manage,

  // Chats, contacts, groups, media
  [`GET ${I}/chats`]: embedRead,
  [`GET ${I}/chats/ids`]: embedRead,
  [`GET ${I}/chats/messages`]: embedRead,
  [`POST ${I}/chats/read`]: embedSend,
  [`POST ${I}/chats/archive`]: send,
  [`POST ${I}/chats/unarchive`]: send,
  [`POST ${I}/chats/delete`]: send,
  [`DELETE ${I}/chats/delete`]: send,
  [`POST ${I}/chats/pin`]: send,
  [`POST ${I}/chats/unpin`]: send,
  [`POST ${I}/chats/mute`]: send,
  [`POST ${I}/chats/unmute`]: send,
  [`POST ${I}/chats/unread`]: embedSend,
  [`POST ${I}/chats/presence`]: embedSend,
  [`GET ${I}/contacts`]: embedRead,
  [`GET ${I}/contacts/ids`]: embedRead,
  [`GET ${I}/contacts/contact`]: embedRead,
  [`GET ${I}/contacts/check`]: embedRead,
  [`GET ${I}/contacts/info`]: embedRead,
  [`GET ${I}/contacts/image`]: embedRead,
  [`POST ${I}/contacts/block`]: send,
  [`POST ${I}/contacts/unblock`]: send,
  [`GET ${I}/groups`]: read,
  [`GET ${I}/groups/ids`]: read,
  [`GET ${I}/groups/group`]: read,
  [`GET ${I}/groups/invite`]: read,
  [`GET ${I}/groups/requests`]: read,
  // Running groups changes who is in them and what they are: manage.
  [`POST ${I}/groups`]: manage,
  ...Object.fromEntries(
    ['participants/add', 'participants/remove', 'participants/promote', 'participants/demote', 'invite/revoke', 'join', 'leave', 'requests/approve', 'requests/reject', 'name', 'description', 'picture', 'announce', 'locked'].map(
      (name) => [`POST ${I}/groups/${name}`, manage],
    ),
  ),

  // The account, channels, labels
  [`GET ${I}/profile`]: read,
  [`GET ${I}/profile/privacy`]: read,
  [`POST ${I}/profile/name`]: manage,
  [`POST ${I}/profile/about`]: manage,
  [`POST ${I}/profile/picture`]: manage,
  [`POST ${I}/profile/presence`]: send,
  [`GET ${I}/channels`]: read,
  [`POST ${I}/channels/follow`]: manage,
  [`POST ${I}/channels/unfollow`]: manage,
  [`GET ${I}/labels`]: read,
  [`GET ${I}/labels/chat`]: read,
  [`POST ${I}/labels/add`]: send,
  [`POST ${I}/labels/remove`]: send,
  [`POST ${I}/media/upload`]: embedSend,
  [`GET ${I}/media/list`]: embedRead,
  [`POST ${I}/media/delete`]: manage,
  [`DELETE ${I}/media/delete`]: manage,

  // Settings and webhooks
  [`GET ${I}/settings`]: manage,
  [`POST ${I}/settings`]: manage,
  [`PUT ${I}/settings`]: manage,
  [`PATCH ${I}/settings`]: manage,
  [`POST ${I}/webhooks/secret/rotate`]: manage,
  [`GET ${I}/webhooks/deliveries`]: manage,
  [`POST ${I}/webhooks/deliveries/:id/retry`]: manage,

  // Chatbot and jobs
  [`GET ${I}/chatbot/rules`]: read,
  [`POST ${I}/chatbot/rules`]: manage,
  [`DELETE ${I}/chatbot/rules/:id`]: manage,
  [`POST ${I}/chatbot/toggle`]: manage,
  [`GET ${I}/bulk`]: read,
  [`GET ${I}/bulk/:jobId`]: read,
  [`POST ${I}/bulk`]: manage,
  [`POST ${I}/bulk/:jobId/cancel`]: manage,
  [`GET ${I}/scheduled`]: read,
  [`POST ${I}/scheduled`]: manage,
  [`DELETE ${I}/scheduled/:id`]: manage,

  // Templates (shared ones are written with a global key only: the service says so), campaigns,
  // analytics, files and instance groups; embed tokens reach none of them.
  'GET /api/templates': read,
  'POST /api/templates': manage,
  'GET /api/templates/:id': read,
  'PATCH /api/templates/:id': manage,
  'DELETE /api/templates/:id': manage,
  'GET /api/campaigns': read,
  'POST /api/campaigns': manage,
  'GET /api/campaigns/:id': read,
  'DELETE /api/campaigns/:id': manage,
  'GET /api/analytics': read,
  'GET /api/files': read,
  'GET /api/files/:id/raw': read,
  'GET /api/instance-groups': read,
  'POST /api/instance-groups': p('manage', { globalScope: true }),
  'PATCH /api/instance-groups/:id': p('manage', { globalScope: true }),
  'DELETE /api/instance-groups/:id': p('manage', { globalScope: true }),

  // Sandbox controls (they play the phone and the other side)
  'POST /api/sandbox/:instanceId/scan': manage,
  'POST /api/sandbox/:instanceId/incoming': manage,
  'POST /api/sandbox/:instanceId/ack': manage,
  'POST /api/sandbox/:instanceId/server-acks': manage,
  'POST /api/sandbox/:instanceId/groups': manage,
  'POST /api/sandbox/:instanceId/drop': manage,
  'POST /api/sandbox/:instanceId/timelock': manage,
  'POST /api/sandbox/:instanceId/deaf': manage,
  ...Object.fromEntries(
    ['edit', 'revoke', 'react', 'vote', 'presence', 'call', 'call/end', 'group-join', 'group-leave', 'business'].map((name) => [`POST /api/sandbox/:instanceId/${name}`, manage]),
  ),
});
