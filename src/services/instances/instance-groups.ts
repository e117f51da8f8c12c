import { AppError, badRequest, notFound } from '../../errors.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/instance-groups-repo.js';
import type { GroupColor, InstanceGroupRow } from '../../storage/schema.js';

export { GROUP_COLORS, type GroupColor } from '../../storage/schema.js';
import { canSee, type Principal } from '../access/principal.js';
import type { InstanceRegistry } from './instance-registry.js';

export interface InstanceGroupView {
  id: number;
  name: string;
  color: GroupColor;
  /** The instances filed under it (those the token sees). */
  instanceIds: string[];
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_GROUP_COLOR: GroupColor = 'wagreen';

export interface InstanceGroupServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  now: () => number;
}

/**
 * Instance groups: a name and a colour to file instances under, for the dashboard and for
 * anyone with many numbers. Groups are the operator's (written with a global key); a key scoped
 * to instances sees only the groups its instances are in.
 */
export class InstanceGroupService {
  constructor(private readonly opts: InstanceGroupServiceOptions) {}

  async list(viewer: Principal): Promise<InstanceGroupView[]> {
    const rows = await repo.listInstanceGroups(this.opts.db);
    const views = rows.map((r) => this.view(r, viewer));
    return viewer.scope === 'global' ? views : views.filter((g) => g.instanceIds.length > 0);
  }

  async create(viewer: Principal, input: { name: string; color?: GroupColor | undefined }): Promise<InstanceGroupView> {
    const name = this.name(input.name);
    const id = await repo.insertInstanceGroup(this.opts.db, name, input.color ?? DEFAULT_GROUP_COLOR, this.opts.now());
    return this.view((await repo.findInstanceGroup(this.opts.db, id))!, viewer);
  }

  async update(viewer: Principal, id: number, patch: { name?: string | undefined; color?: GroupColor | undefined }): Promise<InstanceGroupView> {
    await this.find(id);
    await repo.updateInstanceGroup(
      this.opts.db,
      id,
      { ...(patch.name !== undefined ? { name: this.name(patch.name) } : {}), ...(patch.color !== undefined ? { color: patch.color } : {}) },
      this.opts.now(),
    );
    return this.view((await repo.findInstanceGroup(this.opts.db, id))!, viewer);
  }

  /** Deletes the group; its instances stay, without a group. */
  async delete(id: number): Promise<void> {
    await this.find(id);
    await repo.deleteInstanceGroup(this.opts.db, id);
    for (const s of this.opts.registry.list()) if (s.groupId === id) this.opts.registry.regroup(s.id, null);
  }

  /** Files the instance under group `groupId` (null: none); 400 naming groupId when there is no such group. */
  async assign(instanceId: string, groupId: number | null): Promise<void> {
    this.opts.registry.get(instanceId);
    if (groupId !== null && !(await repo.findInstanceGroup(this.opts.db, groupId))) throw badRequest(`groupId: there is no instance group ${groupId}`);
    await repo.setInstanceGroup(this.opts.db, instanceId, groupId);
    this.opts.registry.regroup(instanceId, groupId);
  }

  private async find(id: number): Promise<InstanceGroupRow> {
    const row = await repo.findInstanceGroup(this.opts.db, id);
    if (!row) throw notFound(`instance group ${id} not found`);
    return row;
  }

  private name(raw: string): string {
    const name = raw.trim();
    if (!name) throw new AppError('bad_request', 'name: must not be blank');
    return name;
  }

  private view(r: InstanceGroupRow, viewer: Principal): InstanceGroupView {
    const members = this.opts.registry.list().filter((s) => s.groupId === r.id && canSee(viewer, s.id));
    return { id: r.id, name: r.name, color: r.color, instanceIds: members.map((s) => s.id), createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() };
  }
}
