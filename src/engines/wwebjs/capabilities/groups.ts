import { EngineError, type GroupsCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import { idsOfGroup, toEngineGroup } from '../mapper.js';
import { readGroup } from '../page-ops.js';
import { groupMembers } from './group-members.js';
import { groupChatOf, requireAdmin } from './group-of.js';
import type { WwebjsOps } from './ops.js';

/** What WhatsApp Web throws for an invite code it does not know or that was reset (a 404/406/410 from the server). */
const BAD_INVITE = /ServerStatusCodeError|item-not-found|not-acceptable|gone|\b40[46]\b|\b410\b/i;

/** `https://chat.whatsapp.com/<code>` or the code alone, as the code. */
export function inviteCodeOf(input: string): string {
  return input.trim().replace(/^https?:\/\/chat\.whatsapp\.com\/(?:invite\/)?/i, '').split(/[/?#]/)[0] ?? '';
}

/**
 * Groups through the library's GroupChat methods and Client calls, which still work on WhatsApp Web
 * in 2026 once patched; the group is read in the page (page-ops.ts readGroup) so that looking at it
 * never creates a chat or throws the July 2026 `r: r`.
 */
export function groupsCapability(ops: WwebjsOps): Required<GroupsCapability> {
  const refused = (what: string, groupId: string) =>
    new EngineError('rejected', `WhatsApp refused to ${what} of ${groupId} (only admins may, when the group is locked to admins)`);
  return {
    async getGroup(id) {
      if (!id.endsWith('@g.us')) return null;
      const { client } = ops.session.openClient();
      const group = await ops.call('reading the group', () => readGroup(client, id));
      if (!group) return null;
      await ops.session.ids.resolve(idsOfGroup(group));
      return toEngineGroup(group, ops.session.ids);
    },
    async create(name, participants) {
      const { client, account } = ops.session.openClient();
      const made = await ops.call('creating the group', () => client.createGroup(name, participants.map(toLibraryId)));
      if (typeof made === 'string') throw new EngineError('failed', `creating the group failed: ${made}`);
      const id = made.gid._serialized;
      ops.log.debug('group created', { group: id, participants: made.participants });
      const group = await ops.call('reading the group', () => readGroup(client, id));
      if (group) {
        await ops.session.ids.resolve(idsOfGroup(group));
        return toEngineGroup(group, ops.session.ids);
      }
      // WhatsApp Web has not filed it yet: what createGroup said, with this account as its creator.
      const added = Object.entries(made.participants).filter(([, p]) => p.statusCode === 200).map(([pid]) => ({ id: ops.session.ids.toApi(pid), admin: null }));
      return { id, name, description: null, creation: Math.floor(Date.now() / 1000), owner: account.id, participants: [{ id: account.id, admin: 'superadmin' }, ...added] };
    },
    async getInviteCode(groupId) {
      const chat = await groupChatOf(ops, groupId);
      const code = await ops.call('reading the invite link', () => chat.getInviteCode());
      if (!code) throw new EngineError('rejected', `only group admins can see the invite link of ${groupId}`);
      return code;
    },
    async revokeInviteCode(groupId) {
      await requireAdmin(ops, groupId, 'reset the invite link');
      const chat = await groupChatOf(ops, groupId);
      const code = await ops.call('resetting the invite link', () => chat.revokeInvite());
      if (!code) throw new EngineError('failed', `WhatsApp did not answer a new invite code for ${groupId}`);
      return code;
    },
    async join(input) {
      const { client } = ops.session.openClient();
      const code = inviteCodeOf(input);
      if (!code) throw new EngineError('not_found', 'no invite code given');
      const invalid = (err: unknown) => {
        if (err instanceof EngineError && err.reason === 'failed' && BAD_INVITE.test(err.message)) {
          return new EngineError('not_found', `the invite link ${code} is not valid (it may have been reset, or the group is gone)`);
        }
        return err;
      };
      const info = await ops.call('reading the invite link', () => client.getInviteInfo(code)).catch((err: unknown) => {
        throw invalid(err);
      });
      const id = await ops.call('joining the group', () => client.acceptInvite(code)).catch((err: unknown) => {
        throw invalid(err);
      });
      if (info?.membershipApprovalMode) {
        throw new EngineError('rejected', `group ${id || '(by invite)'} asks its admins to approve who joins: the request to join is pending`);
      }
      return id;
    },
    async leave(groupId) {
      const chat = await groupChatOf(ops, groupId);
      await ops.call('leaving the group', () => chat.leave());
    },
    async setSubject(groupId, subject) {
      const chat = await groupChatOf(ops, groupId);
      if (!(await ops.call('changing the group name', () => chat.setSubject(subject)))) throw refused('change the name', groupId);
    },
    async setDescription(groupId, description) {
      const chat = await groupChatOf(ops, groupId);
      if (!(await ops.call('changing the group description', () => chat.setDescription(description)))) throw refused('change the description', groupId);
    },
    async setPicture(groupId, picture) {
      const chat = await groupChatOf(ops, groupId);
      if (!picture) {
        if (!(await ops.call('removing the group picture', () => chat.deletePicture()))) {
          throw new EngineError('rejected', `the picture of ${groupId} cannot be removed (it has none, or only admins may change it)`);
        }
        return;
      }
      if (!picture.mimetype.startsWith('image/')) throw new EngineError('rejected', `a group picture must be an image (got ${picture.mimetype})`);
      const { MessageMedia } = ops.classes();
      const media = new MessageMedia(picture.mimetype, picture.data.toString('base64'), picture.filename ?? null);
      if (!(await ops.call('changing the group picture', () => chat.setPicture(media)))) throw refused('change the picture', groupId);
    },
    async setAnnounce(groupId, announce) {
      await requireAdmin(ops, groupId, 'choose who sends messages');
      const chat = await groupChatOf(ops, groupId);
      if (!(await ops.call('changing who may send messages', () => chat.setMessagesAdminsOnly(announce)))) throw refused('change who may send messages', groupId);
    },
    async setLocked(groupId, locked) {
      await requireAdmin(ops, groupId, "choose who edits the group's info");
      const chat = await groupChatOf(ops, groupId);
      if (!(await ops.call("changing who may edit the group's info", () => chat.setInfoAdminsOnly(locked)))) throw refused("change who may edit the info", groupId);
    },
    ...groupMembers(ops),
  };
}
