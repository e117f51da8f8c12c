/**
 * The Engine over whatsapp-web.js. The session (session.ts) owns the connection and its
 * supervision; the capability groups (capabilities/) turn each operation into library calls on the
 * open client (or reads of WhatsApp Web's page, as history.ts does); store-sync.ts reports what
 * WhatsApp Web holds (chats, contacts, groups) once open.
 */
import type { Logger } from '../../logger.js';
import { EngineError, type Engine, type EngineContext, type StartOptions } from '../engine.js';
import { callsCapability } from './capabilities/calls.js';
import { chatsCapability } from './capabilities/chats.js';
import { contactsCapability } from './capabilities/contacts.js';
import { groupsCapability } from './capabilities/groups.js';
import { historyCapability } from './capabilities/history.js';
import { labelsCapability } from './capabilities/labels.js';
import { messagesCapability } from './capabilities/messages.js';
import { newslettersCapability } from './capabilities/newsletters.js';
import type { WwebjsOps } from './capabilities/ops.js';
import { profileCapability } from './capabilities/profile.js';
import { operationError } from './failures.js';
import type { MediaLimits } from './incoming-media.js';
import type { ClientFactory, ContentClasses } from './library-types.js';
import { WwebjsSession } from './session.js';
import { syncStore } from './store-sync.js';
import type { WwebjsTimings } from './supervisor.js';

/** What the engine is built from (index.ts fills in the defaults). */
export interface WwebjsEngineParts {
  factory: ClientFactory;
  timings: WwebjsTimings;
  media: MediaLimits;
  classes: () => ContentClasses;
  ffmpegPath: string | null;
  log: Logger;
}

export class WwebjsEngine implements Engine {
  readonly name = 'wwebjs';
  readonly messages;
  readonly chats;
  readonly contacts;
  readonly groups;
  readonly profile;
  readonly newsletters;
  readonly labels;
  readonly calls;
  readonly history;
  private readonly session: WwebjsSession;
  private disposed = false;

  private readonly log: Logger;

  constructor(
    private readonly ctx: EngineContext,
    opts: WwebjsEngineParts,
  ) {
    const { factory, timings, media, log } = opts;
    this.log = log;
    this.session = new WwebjsSession({
      ctx,
      factory,
      timings,
      media,
      log,
      onOpen: (client) => void syncStore(client, ops, ctx.emit),
    });
    const ops: WwebjsOps = {
      session: this.session,
      recipients: this.session.recipients,
      log,
      classes: opts.classes,
      ffmpegPath: opts.ffmpegPath,
      media,
      pageTimeoutMs: timings.healthTimeoutMs,
      call: (what, work) => this.call(what, work),
    };
    this.messages = messagesCapability(ops);
    this.chats = chatsCapability(ops);
    this.contacts = contactsCapability(ops);
    this.groups = groupsCapability(ops);
    this.profile = profileCapability(ops);
    this.newsletters = newslettersCapability(ops);
    this.labels = labelsCapability(ops);
    this.calls = callsCapability(ops);
    this.history = historyCapability(ops);
  }

  async start(options: StartOptions = {}): Promise<void> {
    if (this.disposed) throw new EngineError('rejected', `instance ${this.ctx.instanceId} is being deleted`);
    await this.session.start(options);
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  logout(): Promise<void> {
    return this.session.logout();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.session.stop();
    this.session.ids.clear();
    this.session.recipients.clear();
    this.session.index.clear();
    this.session.calls.clear();
  }

  browserPid(): number | null {
    return this.session.browserPid();
  }

  /** Runs a library call; its failure becomes an EngineError saying what was being done. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const mapped = operationError(what, err);
      this.log.debug('wwebjs operation failed', { instance: this.ctx.instanceId, what, error: mapped.message });
      throw mapped;
    }
  }
}
