import type { CallsCapability, LabelsCapability, NewslettersCapability, ProfileCapability } from '../engine.js';
import { EngineError } from '../engine.js';
import { channelView, findChannel, SANDBOX_CHANNELS } from './channels.js';
import { pictureUri, requireChatTarget } from './sandbox-basics.js';
import { BUSINESS_LABELS } from './sandbox-session.js';
import type { SandboxSelf } from './sandbox-self.js';

/** The sandbox's privacy settings: WhatsApp's defaults (they cannot be changed through the seam). */
const PRIVACY = { lastSeen: 'all', online: 'all', profile: 'all', about: 'all', readReceipts: 'all', groupAdd: 'all' };

/** The account itself, its channels, its labels and its calls. */
export function accountCapabilities(engine: SandboxSelf): {
  profile: ProfileCapability;
  newsletters: NewslettersCapability;
  labels: LabelsCapability;
  calls: CallsCapability;
} {
  const network = engine.network;

  const followers = (channelId: string) => network.linkedPeers().filter(({ peer }) => peer.peerProfile()?.channels.includes(channelId)).length;
  const business = () => {
    const state = engine.state();
    if (!state.business) {
      throw new EngineError('unsupported', `labels are a WhatsApp Business feature, and ${state.phone} is not a business account (the sandbox control business makes it one)`);
    }
    return state;
  };
  const label = (id: string) => {
    const found = BUSINESS_LABELS.find((l) => l.id === id);
    if (!found) throw new EngineError('not_found', `no label ${id} (this account's labels are ${BUSINESS_LABELS.map((l) => l.id).join(', ')})`);
    return found;
  };

  return {
    profile: {
      async getProfile() {
        const me = engine.requireOpen();
        const state = engine.state();
        return { id: me.id, name: state.name, about: state.about, picture: state.picture };
      },
      async setName(name) {
        engine.update({ name });
      },
      async setAbout(about) {
        engine.update({ about });
      },
      async setPicture(picture) {
        engine.update({ picture: pictureUri(picture) });
      },
      async getPrivacy() {
        engine.requireOpen();
        return { ...PRIVACY };
      },
      async setPresence(state) {
        const me = engine.requireOpen();
        const lastSeen = state === 'unavailable' ? network.nowSeconds() : null;
        for (const phone of network.watchersOf(me.phone)) {
          network.tell(phone, engine.instanceId, { type: 'presence', presence: { chatId: me.id, from: me.id, state, lastSeen } }, true);
        }
      },
    },

    newsletters: {
      async list() {
        const followed = engine.state().channels;
        return SANDBOX_CHANNELS.filter((c) => followed.includes(c.id)).map((c) => channelView(c, followers(c.id), true));
      },
      async follow(idOrCode) {
        const state = engine.state();
        const channel = findChannel(idOrCode);
        if (!channel) throw new EngineError('not_found', `no channel ${idOrCode} on the sandbox network`);
        if (!state.channels.includes(channel.id)) engine.update({ channels: [...state.channels, channel.id] });
        return channelView(channel, followers(channel.id), true);
      },
      async unfollow(id) {
        const state = engine.state();
        if (!state.channels.includes(id)) throw new EngineError('not_found', `this account does not follow channel ${id}`);
        engine.update({ channels: state.channels.filter((c) => c !== id) });
      },
    },

    labels: {
      async list() {
        business();
        return BUSINESS_LABELS.map((l) => ({ ...l }));
      },
      async ofChat(chatId) {
        const state = business();
        return (state.chatLabels[chatId] ?? []).map(label);
      },
      async setOnChat(chatId, labelId, on) {
        const state = business();
        requireChatTarget(chatId);
        label(labelId);
        const current = (state.chatLabels[chatId] ?? []).filter((l) => l !== labelId);
        const next = on ? [...current, labelId] : current;
        const chatLabels = { ...state.chatLabels, [chatId]: next };
        if (!next.length) delete chatLabels[chatId];
        engine.update({ chatLabels });
      },
    },

    calls: {
      async reject(callId, from) {
        engine.requireOpen();
        engine.ringing.reject(callId, from);
      },
    },
  };
}
