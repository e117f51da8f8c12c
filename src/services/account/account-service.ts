import type { ContactInfo, Label, MediaPayload, Newsletter, OwnPresence, OwnProfile, PrivacySettings } from '../../engines/engine.js';
import { notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import { updateInstance } from '../../storage/instances-repo.js';
import { capabilityOf, operationOf } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

export interface AccountServiceOptions {
  db: Db;
  registry: InstanceRegistry;
}

/** A channel invite link (`https://whatsapp.com/channel/<code>`), its code, or a channel id, as given to follow. */
export function channelRefOf(input: string): string {
  return input.trim().replace(/^https?:\/\/(?:www\.)?whatsapp\.com\/channel\//i, '').split(/[/?#]/)[0] ?? '';
}

/**
 * The linked account itself (profile, privacy, online state), the people it looks up, the channels
 * it follows and its business labels. 501 for what the engine lacks, 409 while not connected, in
 * one place (capability.ts); labels answer 501 on an account that is not a business one.
 */
export class AccountService {
  constructor(private readonly opts: AccountServiceOptions) {}

  profile(instanceId: string): Promise<OwnProfile> {
    return capabilityOf(this.opts.registry, instanceId, 'profile').getProfile();
  }

  /** The push name others see; the instance's account name follows. */
  async setName(instanceId: string, name: string): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'profile', 'setName')(name);
    this.opts.registry.accountRenamed(instanceId, name);
    await updateInstance(this.opts.db, instanceId, { account_name: name });
  }

  async setAbout(instanceId: string, about: string): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'profile', 'setAbout')(about);
  }

  /** null removes the picture. */
  async setPicture(instanceId: string, picture: MediaPayload | null): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'profile', 'setPicture')(picture);
  }

  privacy(instanceId: string): Promise<PrivacySettings> {
    return operationOf(this.opts.registry, instanceId, 'profile', 'getPrivacy')();
  }

  /** Online (available) or offline (unavailable) for everyone. */
  async setPresence(instanceId: string, state: OwnPresence): Promise<void> {
    await operationOf(this.opts.registry, instanceId, 'profile', 'setPresence')(state);
  }

  /** Name, about, business or not, picture of a person; 404 when they are not on WhatsApp. */
  async contactInfo(instanceId: string, id: string): Promise<ContactInfo> {
    const info = await operationOf(this.opts.registry, instanceId, 'contacts', 'getInfo')(id);
    if (!info) throw notFound(`chatId: ${id} is not on WhatsApp`);
    return info;
  }

  channels(instanceId: string): Promise<Newsletter[]> {
    return capabilityOf(this.opts.registry, instanceId, 'newsletters').list();
  }

  follow(instanceId: string, idOrCode: string): Promise<Newsletter> {
    return capabilityOf(this.opts.registry, instanceId, 'newsletters').follow(channelRefOf(idOrCode));
  }

  async unfollow(instanceId: string, id: string): Promise<void> {
    await capabilityOf(this.opts.registry, instanceId, 'newsletters').unfollow(id);
  }

  labels(instanceId: string): Promise<Label[]> {
    return capabilityOf(this.opts.registry, instanceId, 'labels').list();
  }

  chatLabels(instanceId: string, chatId: string): Promise<Label[]> {
    return capabilityOf(this.opts.registry, instanceId, 'labels').ofChat(chatId);
  }

  /** Puts a label on a chat, or takes it off; answers the chat's labels now. */
  async setChatLabel(instanceId: string, chatId: string, labelId: string, on: boolean): Promise<Label[]> {
    const labels = capabilityOf(this.opts.registry, instanceId, 'labels');
    await labels.setOnChat(chatId, labelId, on);
    return labels.ofChat(chatId);
  }
}
