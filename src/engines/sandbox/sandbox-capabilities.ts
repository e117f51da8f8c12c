import type { Capabilities } from '../engine.js';
import { accountCapabilities } from './caps-account.js';
import { chatCapabilities } from './caps-chats.js';
import { groupsCapability } from './caps-groups.js';
import { historyCapability } from './caps-history.js';
import { messagesCapability } from './caps-messages.js';
import type { SandboxSelf } from './sandbox-self.js';

/** The sandbox's capability groups: what a real WhatsApp connection does, on the simulated network. */
export function sandboxCapabilities(engine: SandboxSelf): Capabilities {
  return {
    messages: messagesCapability(engine),
    ...chatCapabilities(engine),
    groups: groupsCapability(engine),
    ...accountCapabilities(engine),
    history: historyCapability(engine),
  };
}
