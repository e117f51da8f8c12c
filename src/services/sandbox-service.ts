import type { Account, AckStatus, MessageKind } from '../engines/engine.js';
import { SandboxEngine } from '../engines/sandbox/sandbox-engine.js';
import { AppError, notFound } from '../errors.js';
import type { UrlTrust } from '../net/url-guard.js';
import type { Db } from '../storage/db.js';
import { findMessage } from '../storage/messages-repo.js';
import type { InstanceRegistry } from './instances/instance-registry.js';
import type { MediaService } from './media/media-service.js';
import type { InboundMessages } from './messages/inbound.js';

export interface IncomingInput {
  /** Phone digits. */
  from: string;
  body?: string | undefined;
  name?: string | undefined;
  type?: MessageKind | undefined;
  /** A base64 data URI or an http(s) URL. */
  media?: string | undefined;
  caption?: string | undefined;
  groupId?: string | undefined;
}

export interface SandboxServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  media: MediaService;
  inbound: Pick<InboundMessages, 'settled'>;
}

/** The sandbox controls: what the other side of the simulated network does. Sandbox instances only (404 otherwise). */
export class SandboxService {
  constructor(private readonly opts: SandboxServiceOptions) {}

  scan(instanceId: string, phone?: string, name?: string): Account {
    return this.engine(instanceId).controls.scan(phone, name);
  }

  /** Answers once the message is stored (and its webhook event written), as WhatsApp would have it. */
  async incoming(instanceId: string, input: IncomingInput, trust: UrlTrust): Promise<string> {
    const engine = this.engine(instanceId);
    const media = input.media !== undefined ? await this.opts.media.resolve('media', input.media, trust) : undefined;
    if (input.type && input.type !== 'chat' && !media) throw new AppError('bad_request', `media: is required for type ${input.type}`);
    const id = engine.controls.incoming({
      from: input.from,
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.type !== undefined ? { kind: input.type } : {}),
      ...(media ? { media: { mimetype: media.mimetype, data: media.data, ...(media.filename ? { filename: media.filename } : {}) } } : {}),
      ...(input.caption !== undefined ? { caption: input.caption } : {}),
      ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
    });
    await this.opts.inbound.settled(instanceId);
    return id;
  }

  async ack(instanceId: string, msgId: string, status: Extract<AckStatus, 'delivered' | 'read' | 'played'>): Promise<void> {
    const engine = this.engine(instanceId);
    const sent = await findMessage(this.opts.db, instanceId, msgId);
    if (!sent || sent.from_me !== 1) throw notFound(`msgId: no message ${msgId} sent by instance ${instanceId}`);
    engine.controls.ack(msgId, status);
  }

  /** Answers once every member's store knows the group. */
  async createGroup(instanceId: string, name: string, phones: string[]): Promise<string> {
    const group = this.engine(instanceId).controls.createGroup(name, phones);
    await this.opts.inbound.settled();
    return group.id;
  }

  drop(instanceId: string): void {
    this.engine(instanceId).controls.drop();
  }

  private engine(instanceId: string): SandboxEngine {
    const engine = this.opts.registry.engine(instanceId);
    if (!(engine instanceof SandboxEngine)) throw notFound(`instance ${instanceId} is not a sandbox instance`);
    return engine;
  }
}
