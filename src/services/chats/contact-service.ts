import { notFound } from '../../errors.js';
import { jidToPhone } from '../../ids.js';
import * as contactsRepo from '../../storage/contacts-repo.js';
import type { Db } from '../../storage/db.js';
import { capabilityOf, requireOpen } from '../instances/capability.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { InboundMessages } from '../messages/inbound.js';

/** A contact as the API shows it (the seed's shape). */
export interface ContactView {
  id: string;
  name: string | null;
  notify: string | null;
}

const toContactView = (r: { contact_id: string; name: string | null; notify: string | null }): ContactView => ({ id: r.contact_id, name: r.name, notify: r.notify });

export interface ContactServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  inbound: Pick<InboundMessages, 'settled'>;
}

/**
 * Contacts: the engine's address book and everyone a message was exchanged with, from the store
 * (so they survive restarts of an engine that forgets them); point look-ups ask WhatsApp.
 */
export class ContactService {
  constructor(private readonly opts: ContactServiceOptions) {}

  /** Users only (no groups, not the account itself), by id (in the store's order, as pages are). */
  async list(instanceId: string): Promise<ContactView[]> {
    const me = requireOpen(this.opts.registry, instanceId).account?.id;
    await this.opts.inbound.settled(instanceId);
    const rows = await contactsRepo.listContacts(this.opts.db, instanceId);
    return rows.filter((r) => jidToPhone(r.contact_id) && r.contact_id !== me).map(toContactView);
  }

  /** A page of the list, and how many contacts there are. */
  async page(instanceId: string, page: number, limit: number): Promise<{ items: ContactView[]; total: number }> {
    const me = requireOpen(this.opts.registry, instanceId).account?.id ?? null;
    await this.opts.inbound.settled(instanceId);
    const { rows, total } = await contactsRepo.pageUserContacts(this.opts.db, instanceId, me, { limit, offset: (page - 1) * limit });
    return { items: rows.filter((r) => jidToPhone(r.contact_id)).map(toContactView), total };
  }

  /** One contact; 404 when WhatsApp does not know the number and the store has no name for it. */
  async get(instanceId: string, id: string): Promise<ContactView> {
    const found = await capabilityOf(this.opts.registry, instanceId, 'contacts').getContact(id);
    await this.opts.inbound.settled(instanceId);
    const stored = await contactsRepo.findContact(this.opts.db, instanceId, id);
    const notify = found?.notify ?? stored?.notify ?? null;
    if (!found && notify === null) throw notFound(`chatId: no contact ${id}`);
    return { id, name: found?.name ?? stored?.name ?? null, notify };
  }

  check(instanceId: string, id: string): Promise<{ exists: boolean; jid: string | null }> {
    return capabilityOf(this.opts.registry, instanceId, 'contacts').checkNumber(jidToPhone(id)!);
  }

  async picture(instanceId: string, id: string): Promise<string | null> {
    return capabilityOf(this.opts.registry, instanceId, 'contacts').getProfilePicture(id);
  }

  async setBlocked(instanceId: string, id: string, blocked: boolean): Promise<void> {
    await capabilityOf(this.opts.registry, instanceId, 'contacts').setBlocked(id, blocked);
  }
}
