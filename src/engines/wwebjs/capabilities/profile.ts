import { EngineError, type ProfileCapability } from '../../engine.js';
import { readOwnName, readProfilePicture } from '../page-account-ops.js';
import { optional, type WwebjsOps } from './ops.js';

/** The linked account itself: the library's Client calls, and two reads in the page. */
export function profileCapability(ops: WwebjsOps): Required<ProfileCapability> {
  return {
    async getProfile() {
      const { client, account } = ops.session.openClient();
      const me = client.info?.wid._serialized ?? `${account.phone}@c.us`;
      const name = await ops.call('reading the profile name', () => readOwnName(client));
      const contact = await ops.call('reading the profile', () => client.getContactById(me));
      const about = await optional(() => ops.call('reading the about text', () => contact.getAbout()));
      const picture = await optional(() => ops.call('reading the profile picture', () => readProfilePicture(client, me)));
      return { id: account.id, name: name || account.name, about: about || null, picture: picture || null };
    },
    async setName(name) {
      const { client } = ops.session.openClient();
      if (!(await ops.call('changing the profile name', () => client.setDisplayName(name)))) {
        throw new EngineError('rejected', 'WhatsApp does not let this account change its name now');
      }
    },
    async setAbout(about) {
      const { client } = ops.session.openClient();
      await ops.call('changing the about text', () => client.setStatus(about));
    },
    async setPicture(picture) {
      const { client } = ops.session.openClient();
      if (!picture) {
        if (!(await ops.call('removing the profile picture', () => client.deleteProfilePicture()))) {
          throw new EngineError('rejected', 'the account has no profile picture to remove');
        }
        return;
      }
      if (!picture.mimetype.startsWith('image/')) throw new EngineError('rejected', `a profile picture must be an image (got ${picture.mimetype})`);
      const { MessageMedia } = ops.classes();
      const media = new MessageMedia(picture.mimetype, picture.data.toString('base64'), picture.filename ?? null);
      if (!(await ops.call('changing the profile picture', () => client.setProfilePicture(media)))) {
        throw new EngineError('rejected', 'WhatsApp did not take the new profile picture');
      }
    },
    async getPrivacy() {
      ops.session.openClient();
      // whatsapp-web.js 1.34.7 has no call that reads them, and WhatsApp Web keeps them in modules
      // whose shape nothing documents; a guess could answer wrong settings as if they were right.
      throw new EngineError('unsupported', 'reading privacy settings is not possible through WhatsApp Web on this engine; the phone shows them under Settings > Privacy');
    },
    async setPresence(state) {
      const { client } = ops.session.openClient();
      await ops.call(`going ${state === 'available' ? 'online' : 'offline'}`, () =>
        state === 'available' ? client.sendPresenceAvailable() : client.sendPresenceUnavailable(),
      );
    },
  };
}
