import { EngineError, type ContactsCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import { toEngineContact } from '../mapper.js';
import { readProfilePicture } from '../page-account-ops.js';
import { optional, type WwebjsOps } from './ops.js';

/** What the patched Contact.block()/unblock() throw when WhatsApp Web knows no LID for the person. */
const NO_LID_TO_BLOCK = /did not tell its LID/;

export function contactsCapability(ops: WwebjsOps): Required<ContactsCapability> {
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
      const verb = blocked ? 'blocked' : 'unblocked';
      // WhatsApp Web blocks by LID now (the patched Contact.block): ask WhatsApp for the person's
      // current id first, which also teaches WhatsApp Web the phone <-> LID pairing.
      const target = await ops.recipients.resolve(id);
      const contact = await ops.call('reading the contact', () => client.getContactById(target));
      let done: boolean;
      try {
        done = await ops.call(blocked ? 'blocking' : 'unblocking', () => (blocked ? contact.block() : contact.unblock()));
      } catch (err) {
        if (err instanceof EngineError && NO_LID_TO_BLOCK.test(err.message)) {
          throw new EngineError('rejected', `${id} cannot be ${verb}: WhatsApp did not tell this account the person's LID, and it refuses blocks by phone number`);
        }
        throw err;
      }
      if (!done) throw new EngineError('rejected', `${id} cannot be ${verb} (groups cannot)`);
    },
    async getInfo(id) {
      const { client } = ops.session.openClient();
      // Whether they are on WhatsApp, and the id WhatsApp Web knows them by (a LID once migrated).
      const target = await ops.recipients.resolve(id).catch((err: unknown) => {
        if (err instanceof EngineError && err.reason === 'not_found') return null;
        throw err;
      });
      if (!target) return null;
      const contact = await ops.call('reading the contact', () => client.getContactById(target));
      if (!contact?.id?._serialized) return null;
      await ops.session.ids.resolve([contact.id._serialized, target]);
      // What they keep private is not an error: no about text, no picture.
      const about = await optional(() => ops.call('reading the about text', () => contact.getAbout()));
      const picture = await optional(() => ops.call('reading the profile picture', () => readProfilePicture(client, target)));
      return {
        ...toEngineContact(contact, ops.session.ids),
        about: about || null,
        isBusiness: Boolean(contact.isBusiness || contact.isEnterprise),
        picture: picture || null,
      };
    },
  };
}
