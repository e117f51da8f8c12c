import type { GroupsCapability } from '../../engine.js';
import { idsOfGroup, toEngineGroup } from '../mapper.js';
import { readGroup } from '../page-ops.js';
import type { WwebjsOps } from './ops.js';

export function groupsCapability(ops: WwebjsOps): GroupsCapability {
  return {
    async getGroup(id) {
      if (!id.endsWith('@g.us')) return null;
      const { client } = ops.session.openClient();
      const group = await ops.call('reading the group', () => readGroup(client, id));
      if (!group) return null;
      await ops.session.ids.resolve(idsOfGroup(group));
      return toEngineGroup(group, ops.session.ids);
    },
  };
}
