import { AppError, badRequest, notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import type { MessageTemplateRow } from '../../storage/schema.js';
import * as repo from '../../storage/templates-repo.js';
import { canSee, instancesOf, type Principal } from '../access/principal.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import { variablesOf } from './variables.js';

export interface TemplateView {
  id: number;
  title: string;
  body: string;
  category: string | null;
  shortcut: string | null;
  /** null: shared by every instance. */
  instanceId: string | null;
  /** The `{variables}` the body uses. */
  variables: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TemplateInput {
  title: string;
  body: string;
  category?: string | null | undefined;
  shortcut?: string | null | undefined;
}

function rowToTemplate(row: MessageTemplateRow): TemplateView {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    category: row.category,
    shortcut: row.shortcut,
    instanceId: row.instance_id,
    variables: variablesOf(row.body),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** '' and blanks mean "none". */
const orNull = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());

export interface TemplateServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  now: () => number;
}

/**
 * Message templates. A template is shared by every instance (instanceId null: written by the admin
 * token or a global key, read by anyone with read) or belongs to one instance (seen only by those
 * who see that instance). Bulk jobs, campaigns and scheduled messages take one by `templateId`.
 */
export class TemplateService {
  constructor(private readonly opts: TemplateServiceOptions) {}

  async list(viewer: Principal, filter: { instanceId?: string | undefined; category?: string | undefined; q?: string | undefined }): Promise<TemplateView[]> {
    if (filter.instanceId !== undefined) this.instance(viewer, 'instanceId', filter.instanceId);
    const instances = filter.instanceId !== undefined ? [filter.instanceId] : instancesOf(viewer);
    const rows = await repo.listTemplates(this.opts.db, { instances, category: filter.category, q: filter.q });
    return rows.map(rowToTemplate);
  }

  async get(viewer: Principal, id: number): Promise<TemplateView> {
    return rowToTemplate(await this.visible(viewer, id));
  }

  async create(viewer: Principal, instanceId: string | null, input: TemplateInput): Promise<TemplateView> {
    if (instanceId !== null) this.instance(viewer, 'instanceId', instanceId);
    this.mayWrite(viewer, instanceId);
    const fields = { title: input.title.trim(), body: input.body, category: orNull(input.category) ?? null, shortcut: orNull(input.shortcut) ?? null };
    if (!fields.title) throw badRequest('title: must not be blank');
    await this.shortcutFree(instanceId, fields.shortcut);
    const id = await repo.insertTemplate(this.opts.db, instanceId, fields, this.opts.now());
    return rowToTemplate((await repo.findTemplate(this.opts.db, id))!);
  }

  async update(viewer: Principal, id: number, patch: Partial<TemplateInput>): Promise<TemplateView> {
    const row = await this.visible(viewer, id);
    this.mayWrite(viewer, row.instance_id);
    const fields: Partial<repo.TemplateFields> = {};
    if (patch.title !== undefined) {
      fields.title = patch.title.trim();
      if (!fields.title) throw badRequest('title: must not be blank');
    }
    if (patch.body !== undefined) fields.body = patch.body;
    if (patch.category !== undefined) fields.category = orNull(patch.category) ?? null;
    if (patch.shortcut !== undefined) {
      fields.shortcut = orNull(patch.shortcut) ?? null;
      await this.shortcutFree(row.instance_id, fields.shortcut, id);
    }
    await repo.updateTemplate(this.opts.db, id, fields, this.opts.now());
    return rowToTemplate((await repo.findTemplate(this.opts.db, id))!);
  }

  async delete(viewer: Principal, id: number): Promise<void> {
    const row = await this.visible(viewer, id);
    this.mayWrite(viewer, row.instance_id);
    await repo.deleteTemplate(this.opts.db, id);
  }

  /**
   * The body of template `id` for a message of `instanceId` (a shared template or one of that
   * instance); a 400 naming `field` otherwise, since the template is part of the request.
   */
  async bodyFor(instanceId: string, id: number, field = 'templateId'): Promise<{ body: string; templateId: number }> {
    const row = await repo.findTemplate(this.opts.db, id);
    if (!row || (row.instance_id !== null && row.instance_id !== instanceId)) throw badRequest(`${field}: there is no template ${id} for instance ${instanceId}`);
    return { body: row.body, templateId: row.id };
  }

  private async visible(viewer: Principal, id: number): Promise<MessageTemplateRow> {
    const row = await repo.findTemplate(this.opts.db, id);
    if (!row || (row.instance_id !== null && !canSee(viewer, row.instance_id))) throw notFound(`template ${id} not found`);
    return row;
  }

  /** A shared template is everyone's: only the admin token or a global key may write one. */
  private mayWrite(viewer: Principal, instanceId: string | null): void {
    if (instanceId === null && viewer.scope !== 'global') {
      throw new AppError('forbidden', 'A template shared by every instance needs a global key: this key is scoped to instances (give instanceId)');
    }
  }

  /** The instance named in the request: 404 when it does not exist or is outside the viewer's scope. */
  private instance(viewer: Principal, field: string, instanceId: string): void {
    if (!canSee(viewer, instanceId) || !this.opts.registry.has(instanceId)) throw notFound(`${field}: instance ${instanceId} not found`);
  }

  private async shortcutFree(instanceId: string | null, shortcut: string | null, exceptId?: number): Promise<void> {
    if (shortcut === null) return;
    const other = await repo.findByShortcut(this.opts.db, instanceId, shortcut, exceptId);
    if (other) throw new AppError('conflict', `shortcut: "${shortcut}" is already the shortcut of template ${other.id} (${other.title})`);
  }
}
