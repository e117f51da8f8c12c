import type { GroupsCapability } from '../../engine.js';
import { isGroupChat } from '../library-types.js';
import { idsOfGroup, toEngineGroup } from '../mapper.js';
import { hasMetadata, type WwebjsOps } from './ops.js';

export function groupsCapability(ops: WwebjsOps): GroupsCapability {
  return {
    async getGroup(id) {
      if (!id.endsWith('@g.us')) return null;
      const { client } = ops.session.openClient();
      const chat = await ops.call('reading the group', () => client.getChatById(id));
      if (!chat || !isGroupChat(chat) || !hasMetadata(chat)) return null;
      await ops.session.ids.resolve(idsOfGroup(chat));
      return toEngineGroup(chat, ops.session.ids);
    },
  };
}
