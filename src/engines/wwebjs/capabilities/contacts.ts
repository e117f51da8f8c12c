import { EngineError, type ContactsCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import { toEngineContact } from '../mapper.js';
import type { WwebjsOps } from './ops.js';

export function contactsCapability(ops: WwebjsOps): ContactsCapability {
  return {
    async getContact(id) {
      const { client } = ops.session.openClient();
      const contact = await ops.call('reading the contact', () => client.getContactById(toLibraryId(id)));
      if (!contact?.id?._serialized) return null;
      await ops.session.ids.resolve([contact.id._serialized]);
      return toEngineContact(contact, ops.session.ids);
    },
    async checkNumber(phone) {
      const { client } = ops.session.openClient();
      const found = await ops.call('checking the number', () => client.getNumberId(phone));
      if (!found?._serialized) return { exists: false, jid: null };
      await ops.session.ids.resolve([found._serialized]);
      return { exists: true, jid: ops.session.ids.toApi(found._serialized) };
    },
    async getProfilePicture(id) {
      const { client } = ops.session.openClient();
      const url = await ops.call('reading the profile picture', () => client.getProfilePicUrl(toLibraryId(id)));
      return url || null;
    },
    async setBlocked(id, blocked) {
      const { client } = ops.session.openClient();
      const contact = await ops.call('reading the contact', () => client.getContactById(toLibraryId(id)));
      const done = await ops.call(blocked ? 'blocking' : 'unblocking', () => (blocked ? contact.block() : contact.unblock()));
      if (!done) throw new EngineError('rejected', `${id} cannot be ${blocked ? 'blocked' : 'unblocked'} (groups cannot)`);
    },
  };
}
