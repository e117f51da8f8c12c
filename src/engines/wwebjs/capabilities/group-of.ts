import { EngineError, type EngineGroup } from '../../engine.js';
import { isGroupChat, type LibGroupChat } from '../library-types.js';
import { idsOfGroup, toEngineGroup } from '../mapper.js';
import { hasChat, readGroup } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

const notInIt = (groupId: string) => new EngineError('not_found', `group ${groupId} not found, or this account is not in it`);

/**
 * The library's GroupChat, for its administration methods. Asked only for a group WhatsApp Web
 * holds: getChatById goes through findOrCreateLatestChat for any other id (review D11).
 */
export async function groupChatOf(ops: WwebjsOps, groupId: string): Promise<LibGroupChat> {
  if (!groupId.endsWith('@g.us')) throw notInIt(groupId);
  const { client } = ops.session.openClient();
  if (!(await ops.call('reading the group', () => hasChat(client, groupId)))) throw notInIt(groupId);
  const chat = await ops.call('reading the group', () => client.getChatById(groupId));
  if (!chat || !isGroupChat(chat)) throw notInIt(groupId);
  return chat;
}

/** A group fresh from WhatsApp Web, with API ids (members resolved from LIDs); `not_found` when not in it. */
export async function groupNow(ops: WwebjsOps, groupId: string): Promise<EngineGroup & { announce: boolean; locked: boolean }> {
  if (!groupId.endsWith('@g.us')) throw notInIt(groupId);
  const { client } = ops.session.openClient();
  const group = await ops.call('reading the group', () => readGroup(client, groupId));
  if (!group) throw notInIt(groupId);
  await ops.session.ids.resolve(idsOfGroup(group));
  return { ...toEngineGroup(group, ops.session.ids), announce: Boolean(group.announce), locked: Boolean(group.locked) };
}

/** Refuses (`rejected`) when the linked account is not an admin of the group: WhatsApp would refuse it too. */
export async function requireAdmin(ops: WwebjsOps, groupId: string, what: string): Promise<EngineGroup> {
  const { account } = ops.session.openClient();
  const group = await groupNow(ops, groupId);
  const me = group.participants.find((p) => p.id === account.id);
  if (!me) throw notInIt(groupId);
  if (!me.admin) throw new EngineError('rejected', `only group admins can ${what} (this account is not an admin of ${groupId})`);
  return group;
}
