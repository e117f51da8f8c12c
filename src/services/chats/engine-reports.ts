import type { EngineGroup } from '../../engines/engine.js';
import { jidToPhone, LID_SUFFIX } from '../../ids.js';
import * as chatsRepo from '../../storage/chats-repo.js';
import * as contactsRepo from '../../storage/contacts-repo.js';
import type { Db } from '../../storage/db.js';
import * as groupsRepo from '../../storage/groups-repo.js';
import { transact } from '../../storage/transact.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';

/**
 * Whether a reported group is one the account is in. A group read after the account left it still
 * lists its other members (WhatsApp Web keeps the chat); it must not come back to the list. When a
 * member is known only by a LID, the account may be that LID: the group is taken as the account's.
 */
function isMemberOrUnknown(group: EngineGroup, me: string | undefined): boolean {
  if (me === undefined || group.participants.length === 0) return true;
  return group.participants.some((p) => p.id === me || p.id.endsWith(LID_SUFFIX));
}

/**
 * Stores what engines report of chats, contacts and groups (every list the API serves comes from
 * the store). The writes join the instance's chain of inbound events, so a read that waits for
 * the inbound events to be stored sees them too.
 */
export function storeEngineReports(registry: InstanceRegistry, inbound: InboundMessages, db: Db): void {
  registry.onEngineEvent('chat_upsert', (instanceId, e) =>
    inbound.enqueue(instanceId, () =>
      chatsRepo.upsertChats(
        db,
        instanceId,
        e.chats.map((c) => ({
          id: c.id,
          isGroup: c.isGroup,
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.archived !== undefined ? { archived: c.archived } : {}),
          ...(c.unreadCount !== undefined ? { unreadCount: c.unreadCount } : {}),
          ...(c.lastMessage !== undefined ? { lastMessage: c.lastMessage } : {}),
        })),
      ),
    ),
  );
  registry.onEngineEvent('contact_upsert', (instanceId, e) =>
    inbound.enqueue(instanceId, () =>
      contactsRepo.upsertContacts(
        db,
        instanceId,
        e.contacts.filter((c) => jidToPhone(c.id)).map((c) => ({ id: c.id, name: c.name, notify: c.notify })),
      ),
    ),
  );
  registry.onEngineEvent('group_upsert', (instanceId, e) =>
    inbound.enqueue(instanceId, async () => {
      const me = registry.has(instanceId) ? registry.get(instanceId).account?.id : undefined;
      const mine = e.groups.filter((g) => isMemberOrUnknown(g, me));
      if (!mine.length) return;
      await transact(db, async (trx) => {
        await groupsRepo.upsertGroups(trx, instanceId, mine);
        // A group the account is in is a chat, with or without messages.
        await chatsRepo.upsertChats(trx, instanceId, mine.map((g) => ({ id: g.id, isGroup: true })));
      });
    }),
  );
}
