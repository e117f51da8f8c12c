import { z } from '@hono/zod-openapi';
import { badRequest, notFound } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { validParams } from '../kit.js';
import { deviceOf } from './device.js';
import { ok } from './envelope.js';
import { chatOf, file, flag, formFile, required, userOf } from './params.js';
import { manage, read, type gowaRoutes } from './route.js';
import { groupInfo } from './views.js';

const Phone = z.object({ phone: required('905321234567@s.whatsapp.net') });
const Avatar = Phone.extend({ is_preview: flag.optional(), is_community: flag.optional() });
const NewAvatar = z.object({ avatar: file });
const PushName = z.object({ push_name: required('Yeni Isim').pipe(z.string().max(25, 'must be at most 25 characters')) });

export interface UserRouteDeps {
  services: Pick<Services, 'instances' | 'account' | 'contacts' | 'groups' | 'media'>;
}

/** /user/*: people (info, avatar, check, business profile) and the account (push name, avatar, privacy, its groups, channels, contacts). */
export function userRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, account, contacts, groups, media } }: UserRouteDeps) {
  route({
    method: 'GET',
    path: '/user/info',
    summary: "A person's name, about text and whether they are a business",
    requirement: read,
    fields: Phone,
    run: async (c) => {
      const b = await validParams(c, Phone);
      const info = await account.contactInfo(deviceOf(c, instances).id, userOf('phone', b.phone));
      const name = info.name ?? info.notify ?? '';
      // WhatsApp Web does not tell a person's devices or picture id: empty, not made up.
      return ok(c, 'Success get user info', { data: [{ name, verified_name: info.isBusiness ? name : '', status: info.about ?? '', picture_id: '', devices: [] }] });
    },
  });

  route({
    method: 'GET',
    path: '/user/avatar',
    summary: "A person's or a group's profile picture URL (empty when they have none or hide it)",
    requirement: read,
    fields: Avatar,
    run: async (c) => {
      const b = await validParams(c, Avatar);
      const url = await contacts.picture(deviceOf(c, instances).id, chatOf('phone', b.phone));
      return ok(c, 'Success get avatar', { url: url ?? '', id: '', type: url === null ? '' : b.is_preview ? 'preview' : 'image' });
    },
  });

  route({
    method: 'POST',
    path: '/user/avatar',
    summary: "Change the account's profile picture (an image in the form field avatar)",
    requirement: manage,
    fields: NewAvatar,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, NewAvatar);
      if (!b.avatar) throw badRequest('avatar: an image file is required (multipart/form-data)');
      await account.setPicture(deviceOf(c, instances).id, media.fromForm('avatar', await formFile(b.avatar), 'image'));
      return ok(c, 'Success change avatar');
    },
  });

  route({
    method: 'POST',
    path: '/user/pushname',
    summary: 'Change the name others see (the push name)',
    requirement: manage,
    fields: PushName,
    run: async (c) => {
      const b = await validParams(c, PushName);
      await account.setName(deviceOf(c, instances).id, b.push_name);
      return ok(c, 'Success change push name');
    },
  });

  route({
    method: 'GET',
    path: '/user/my/privacy',
    summary: "The account's privacy settings",
    requirement: read,
    run: async (c) => {
      const p = await account.privacy(deviceOf(c, instances).id);
      return ok(c, 'Success get privacy', { group_add: p.groupAdd ?? '', last_seen: p.lastSeen ?? '', status: p.about ?? '', profile: p.profile ?? '', read_receipts: p.readReceipts ?? '' });
    },
  });

  route({
    method: 'GET',
    path: '/user/my/groups',
    summary: "The account's groups, in whatsmeow's GroupInfo shape (PascalCase keys)",
    requirement: read,
    run: async (c) => ok(c, 'Success get list groups', { data: (await groups.listViews(deviceOf(c, instances).id)).slice(0, 500).map(groupInfo) }),
  });

  route({
    method: 'GET',
    path: '/user/my/newsletters',
    summary: 'The channels the account follows',
    requirement: read,
    run: async (c) => {
      const channels = await account.channels(deviceOf(c, instances).id);
      const data = channels.map((n) => ({
        id: n.id,
        state: { type: 'active' },
        thread_metadata: {
          name: { text: n.name },
          description: { text: n.description ?? '' },
          subscribers_count: String(n.subscribers ?? 0),
        },
        viewer_metadata: { role: n.role ?? 'subscriber' },
      }));
      return ok(c, 'Success get list newsletter', { data });
    },
  });

  route({
    method: 'GET',
    path: '/user/my/contacts',
    summary: "The account's contacts",
    requirement: read,
    run: async (c) => {
      const list = await contacts.list(deviceOf(c, instances).id);
      return ok(c, 'Success get list contacts', { data: list.map((p) => ({ jid: p.id, name: p.name ?? p.notify ?? '' })) });
    },
  });

  route({
    method: 'GET',
    path: '/user/check',
    summary: 'Whether a phone number is on WhatsApp',
    requirement: read,
    fields: Phone,
    run: async (c) => {
      const b = await validParams(c, Phone);
      const found = await contacts.check(deviceOf(c, instances).id, userOf('phone', b.phone));
      return ok(c, 'Success check user', { is_on_whatsapp: found.exists });
    },
  });

  route({
    method: 'GET',
    path: '/user/business-profile',
    summary: "A business account's profile (Hatline knows whether it is one; the rest is empty)",
    requirement: read,
    fields: Phone,
    run: async (c) => {
      const b = await validParams(c, Phone);
      const jid = userOf('phone', b.phone);
      const info = await account.contactInfo(deviceOf(c, instances).id, jid);
      if (!info.isBusiness) throw notFound(`phone: ${jid} is not a business account`);
      return ok(c, 'Success get business profile', { jid, email: '', address: '', categories: [], profile_options: {}, business_hours_timezone: '', business_hours: [] });
    },
  });
}
