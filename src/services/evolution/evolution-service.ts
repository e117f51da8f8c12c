import { describeError } from '../../errors.js';
import type { UrlTrust } from '../../net/url-guard.js';
import type { KeyService } from '../access/key-service.js';
import { SYSTEM, type Actor } from '../access/principal.js';
import type { DeletionHook, InstanceService } from '../instances/instance-service.js';
import type { InstanceState } from '../instances/instance-state.js';
import type { SettingsService, SettingsUpdateInput } from '../settings/settings-service.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Logger } from '../../logger.js';

export interface EvolutionServiceOptions {
  instances: InstanceService;
  keys: KeyService;
  settings: SettingsService;
  store: SettingsStore;
  logger: Logger;
}

/**
 * What Evolution API's clients expect of an instance that Hatline keeps elsewhere: an instance
 * comes with its own token (an instance-scoped key, shown once), and the owner may choose to have
 * that kind of token carried in webhooks (`apikey`) and listed by fetchInstances, as Evolution's
 * AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES does. Nothing is exposed unless chosen.
 */
export class EvolutionService implements DeletionHook {
  constructor(private readonly opts: EvolutionServiceOptions) {}

  /** An instance being deleted takes its exposed token with it (however it is deleted). */
  async quiesce(instanceId: string): Promise<void> {
    const exposed = (await this.opts.store.get(instanceId))?.evolution.apikeyId;
    if (exposed) await this.opts.keys.revoke(exposed, SYSTEM).catch(() => undefined);
  }

  /**
   * Creates the instance, its token (a key reaching only it, with every permission on it, as an
   * Evolution instance token has) and its first settings. Nothing half-made: when a later step
   * fails, the instance goes again and the error goes on.
   */
  async createInstance(name: string, settings: SettingsUpdateInput, actor: Actor, trust: UrlTrust): Promise<{ state: InstanceState; token: string }> {
    const state = await this.opts.instances.create({ id: name, description: 'created through the Evolution API dialect' }, actor);
    let keyId: string | null = null;
    try {
      const { key, plain } = await this.opts.keys.create({ name: `Evolution token of ${name}`, scope: 'instance', instanceIds: [name], permissions: ['read', 'send', 'manage'] }, actor);
      keyId = key.id;
      if (Object.keys(settings).length) await this.opts.settings.update(name, settings, actor, trust);
      return { state, token: plain };
    } catch (err) {
      const undo = async () => {
        if (keyId) await this.opts.keys.revoke(keyId, actor);
        await this.opts.instances.delete(name, actor);
      };
      await undo().catch((e) => this.opts.logger.warn('could not remove a half-made instance', { instance: name, error: describeError(e) }));
      throw err;
    }
  }

  /**
   * Exposes an instance token in webhooks and fetchInstances (a key of its own, read and send on
   * this instance only, kept so it can be shown), or stops (the key is revoked). Answers whether it is exposed.
   */
  async setTokenExposed(instanceId: string, exposed: boolean, actor: Actor): Promise<boolean> {
    const current = (await this.opts.settings.get(instanceId)).evolution;
    if (exposed && !current.apikey) {
      const { key, plain } = await this.opts.keys.create({ name: `Evolution apikey of ${instanceId} (exposed in webhooks)`, scope: 'instance', instanceIds: [instanceId], permissions: ['read', 'send'] }, actor);
      await this.opts.store.update(instanceId, { evolution: { apikey: plain, apikeyId: key.id } });
    } else if (!exposed && current.apikey) {
      await this.opts.store.update(instanceId, { evolution: { apikey: null, apikeyId: null } });
      if (current.apikeyId) await this.opts.keys.revoke(current.apikeyId, actor).catch(() => undefined);
    }
    return exposed;
  }

  /** The exposed token of an instance, or null (not chosen). */
  async exposedToken(instanceId: string): Promise<string | null> {
    return (await this.opts.settings.get(instanceId)).evolution.apikey;
  }
}
