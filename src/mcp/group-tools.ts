import { z } from '@hono/zod-openapi';
import { groupIdOrThrow } from '../ids.js';
import { GroupIdField, People, peopleOf } from '../http/routes/group-admin.js';
import { InstanceIdField } from './read-tools.js';
import { tool } from './tool.js';

const I = '/api/instance/:instanceId';
const Participants = People.describe('Phone numbers with country code, or user ids');

export const GROUP_TOOLS = [
  tool({
    name: 'create_group',
    title: 'Create a group',
    description: 'Creates a WhatsApp group with this account as its owner; numbers not on WhatsApp are left out. Answers the group with its members.',
    endpoint: `POST ${I}/groups`,
    readOnly: false,
    input: z.object({ instanceId: InstanceIdField, name: z.string().trim().min(1).max(100).describe('The group name'), participants: Participants }),
    run: async ({ instanceId, name, participants }, { services, instance }) => {
      instance(instanceId);
      return { group: await services.groupAdmin.create(instanceId, name, peopleOf(participants)) };
    },
  }),

  tool({
    name: 'update_group_participants',
    title: 'Add, remove, promote or demote group members',
    description: 'Changes who is in a group and who is an admin (this account must be an admin). Answers one result per participant: success, or error with why.',
    // Every participant action needs the same line (manage); add stands for the four.
    endpoint: `POST ${I}/groups/participants/add`,
    readOnly: false,
    destructive: true,
    input: z.object({
      instanceId: InstanceIdField,
      groupId: GroupIdField.describe('The group id (120363...@g.us); list_groups shows them'),
      action: z.enum(['add', 'remove', 'promote', 'demote']),
      participants: Participants,
    }),
    run: async ({ instanceId, groupId, action, participants }, { services, instance }) => {
      instance(instanceId);
      return { participants: await services.groupAdmin.participants(instanceId, groupIdOrThrow('groupId', groupId), action, peopleOf(participants)) };
    },
  }),
];
