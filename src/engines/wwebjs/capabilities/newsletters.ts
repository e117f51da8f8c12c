import { EngineError, type Newsletter, type NewslettersCapability } from '../../engine.js';
import type { LibChannel } from '../library-actions.js';
import type { WwebjsOps } from './ops.js';

const ROLES = new Set(['subscriber', 'admin', 'owner']);

/** `https://whatsapp.com/channel/<code>` or the code alone, as the code. */
export function channelCodeOf(input: string): string {
  return input.trim().replace(/^https?:\/\/(?:www\.)?whatsapp\.com\/channel\//i, '').split(/[/?#]/)[0] ?? '';
}

export function toNewsletter(channel: LibChannel): Newsletter {
  const meta = channel.channelMetadata ?? {};
  const role = meta.membershipType ?? null;
  return {
    id: channel.id._serialized,
    name: channel.name || meta.name || '',
    description: channel.description || meta.description || null,
    subscribers: typeof meta.subscribersCount === 'number' ? meta.subscribersCount : null,
    role: role && ROLES.has(role) ? role : null,
  };
}

/** Channels through the library's Client calls (getChannels, subscribeToChannel, ...). */
export function newslettersCapability(ops: WwebjsOps): NewslettersCapability {
  const channel = async (id: string): Promise<LibChannel | null> => {
    const { client } = ops.session.openClient();
    const found = await ops.call('reading the channel', () => client.getChatById(id));
    return found && 'channelMetadata' in found ? (found as unknown as LibChannel) : null;
  };
  /** Why subscribe/unsubscribe answered false: no such channel, or the account owns it. */
  const refusal = async (id: string, verb: string) => {
    const found = await channel(id).catch(() => null);
    if (!found) return new EngineError('not_found', `channel ${id} not found`);
    if (found.channelMetadata?.membershipType === 'owner') return new EngineError('rejected', `this account owns channel ${id}; an owner cannot ${verb} it`);
    return new EngineError('failed', `WhatsApp did not let this account ${verb} channel ${id}`);
  };
  return {
    async list() {
      const { client } = ops.session.openClient();
      const channels = await ops.call('reading the channels', () => client.getChannels());
      return channels.map(toNewsletter);
    },
    async follow(idOrCode) {
      const { client } = ops.session.openClient();
      let id = idOrCode.trim();
      if (!id.endsWith('@newsletter')) {
        const code = channelCodeOf(id);
        const found = await ops.call('reading the channel link', () => client.getChannelByInviteCode(code));
        if (!found) throw new EngineError('not_found', `no channel has the link ${code}`);
        id = found.id._serialized;
      }
      if (!(await ops.call('following the channel', () => client.subscribeToChannel(id)))) throw await refusal(id, 'follow');
      const followed = await channel(id);
      if (!followed) throw new EngineError('failed', `WhatsApp Web does not show channel ${id} after following it`);
      return toNewsletter(followed);
    },
    async unfollow(id) {
      const { client } = ops.session.openClient();
      if (!(await ops.call('unfollowing the channel', () => client.unsubscribeFromChannel(id)))) throw await refusal(id, 'unfollow');
    },
  };
}
