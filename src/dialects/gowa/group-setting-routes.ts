import { z } from '@hono/zod-openapi';
import { AppError } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { groupIdOrThrow } from '../../ids.js';
import { refusal } from '../../services/access/requirement.js';
import { validParams } from '../kit.js';
import { deviceOf, GowaError } from './device.js';
import { ok } from './envelope.js';
import { file, flag, formFile, required } from './params.js';
import { queriedGroup } from './group-routes.js';
import { manage, read, type gowaRoutes } from './route.js';

const group_id = required('120363024512399999@g.us');
const Photo = z.object({ group_id, photo: file });
const Name = z.object({ group_id, name: required('Yeni Grup Adı').pipe(z.string().max(25, 'must be at most 25 characters')) });
const Locked = z.object({ group_id, locked: flag });
const Announce = z.object({ group_id, announce: flag });
const Topic = z.object({ group_id, topic: z.string().max(2048).optional().openapi({ description: 'Empty or left out: the description is removed' }) });
const InviteLink = z.object({ group_id: z.string().optional(), reset: flag.optional() });

export interface GroupSettingRouteDeps {
  services: Pick<Services, 'instances' | 'groupAdmin' | 'media'>;
}

/** /group/photo, /group/name, /group/locked, /group/announce, /group/topic and /group/invite-link. */
export function groupSettingRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, groupAdmin, media } }: GroupSettingRouteDeps) {
  route({
    method: 'POST',
    path: '/group/photo',
    summary: "Change the group's picture (an image in the form field photo; none removes it)",
    requirement: manage,
    fields: Photo,
    multipart: true,
    run: async (c) => {
      const b = await validParams(c, Photo);
      const groupId = groupIdOrThrow('group_id', b.group_id);
      let picture = null;
      if (b.photo) {
        try {
          picture = media.fromForm('photo', await formFile(b.photo), 'image');
        } catch (err) {
          // GoWA's own code for a photo that is not an image.
          if (err instanceof AppError && err.code === 'bad_request') throw new GowaError('bad_request', 'INVALID_IMAGE_FORMAT', `Image validation failed: ${err.message}`);
          throw err;
        }
      }
      await groupAdmin.setPicture(deviceOf(c, instances).id, groupId, picture);
      const message = picture ? 'Success update group photo' : 'Success remove group photo';
      return ok(c, message, { picture_id: '', message });
    },
  });

  route({
    method: 'POST',
    path: '/group/name',
    summary: "Change the group's name",
    requirement: manage,
    fields: Name,
    run: async (c) => {
      const b = await validParams(c, Name);
      await groupAdmin.setName(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), b.name);
      return ok(c, `Success update group name to '${b.name}'`);
    },
  });

  route({
    method: 'POST',
    path: '/group/locked',
    summary: "Only admins edit the group's info (true), or everyone (false)",
    requirement: manage,
    fields: Locked,
    run: async (c) => {
      const b = await validParams(c, Locked);
      await groupAdmin.setLocked(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), b.locked);
      return ok(c, b.locked ? 'Success set group as locked' : 'Success set group as unlocked');
    },
  });

  route({
    method: 'POST',
    path: '/group/announce',
    summary: 'Only admins send messages (true), or everyone (false)',
    requirement: manage,
    fields: Announce,
    run: async (c) => {
      const b = await validParams(c, Announce);
      await groupAdmin.setAnnounce(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), b.announce);
      return ok(c, b.announce ? 'Success enable announce mode' : 'Success disable announce mode');
    },
  });

  route({
    method: 'POST',
    path: '/group/topic',
    summary: "Change the group's description (its topic); empty removes it",
    requirement: manage,
    fields: Topic,
    run: async (c) => {
      const b = await validParams(c, Topic);
      const topic = b.topic ?? '';
      await groupAdmin.setDescription(deviceOf(c, instances).id, groupIdOrThrow('group_id', b.group_id), topic);
      return ok(c, topic === '' ? 'Success remove group topic' : 'Success update group topic');
    },
  });

  route({
    method: 'GET',
    path: '/group/invite-link',
    summary: "The group's invite link (reset=true: a new one, the old one stops working); admins only",
    requirement: read,
    fields: InviteLink,
    run: async (c) => {
      const reset = (await validParams(c, InviteLink)).reset === true;
      // Resetting changes the group: it asks what the other group changes ask.
      const refused = reset ? refusal(c.get('principal'), manage, 'GoWA GET /group/invite-link?reset=true') : null;
      if (refused) throw new AppError('forbidden', refused);
      const id = deviceOf(c, instances).id;
      const groupId = await queriedGroup(c);
      const invite = reset ? await groupAdmin.revokeInvite(id, groupId) : await groupAdmin.invite(id, groupId);
      return ok(c, 'Success get group invite link', { invite_link: invite.link, group_id: groupId });
    },
  });
}
