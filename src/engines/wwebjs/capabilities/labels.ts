import { EngineError, type Label, type LabelsCapability } from '../../engine.js';
import { readLabels, type LabelRecord } from '../page-account-ops.js';
import type { WwebjsOps } from './ops.js';

/** WhatsApp Web's platform names for the WhatsApp Business apps (Android, iOS). */
const BUSINESS_PLATFORMS = new Set(['smba', 'smbi']);

const toLabel = (l: LabelRecord): Label => ({ id: l.id, name: l.name, color: l.colorIndex });

/**
 * WhatsApp Business labels: read in the page (page-account-ops.ts readLabels), set through the
 * library's addOrRemoveLabels, which sets exactly the labels it is given on a chat.
 */
export function labelsCapability(ops: WwebjsOps): LabelsCapability {
  const business = () => {
    const { client } = ops.session.openClient();
    const platform = client.info?.platform;
    if (!platform || !BUSINESS_PLATFORMS.has(platform)) {
      throw new EngineError('unsupported', `labels are a WhatsApp Business feature, and this account is not a business account (its phone runs ${platform ?? 'an unknown app'})`);
    }
    return client;
  };
  const ofChat = async (chatId: string) => {
    const client = business();
    const labels = await ops.call('reading the labels of the chat', () => readLabels(client, ops.session.ids.toLibraryChat(chatId)));
    if (!labels) throw new EngineError('not_found', `chat ${chatId} not found`);
    return labels;
  };
  return {
    async list() {
      const client = business();
      return ((await ops.call('reading the labels', () => readLabels(client, null))) ?? []).map(toLabel);
    },
    async ofChat(chatId) {
      return (await ofChat(chatId)).map(toLabel);
    },
    async setOnChat(chatId, labelId, on) {
      const client = business();
      const current = (await ofChat(chatId)).map((l) => l.id);
      const all = (await ops.call('reading the labels', () => readLabels(client, null))) ?? [];
      if (!all.some((l) => l.id === labelId)) throw new EngineError('not_found', `label ${labelId} not found`);
      if (current.includes(labelId) === on) return;
      const next = on ? [...current, labelId] : current.filter((id) => id !== labelId);
      await ops.call(on ? 'labelling the chat' : 'removing the label', () => client.addOrRemoveLabels(next, [ops.session.ids.toLibraryChat(chatId)]));
    },
  };
}
