import type { Db } from '../../storage/db.js';
import * as keysRepo from '../../storage/keys-repo.js';
import * as usageRepo from '../../storage/usage-repo.js';
import type { InstanceState } from '../instances/instance-state.js';
import { visibleTo, type Principal } from './principal.js';
import type { UsageMeter } from './usage-meter.js';

/** A key's requests (seed 004's api_stats): answered below 400 are successful, the rest failed. */
export interface KeyUsage {
  id: string;
  name: string;
  prefix: string;
  totalRequests: number;
  successfulRequests: number;
  failedRequests: number;
  /** Mean time to answer, in milliseconds (0 before the first request). */
  meanMs: number;
  lastUsedAt: string | null;
}

/** An instance's messages since it was created (clearing the history does not reset them) and the media it keeps. */
export interface InstanceUsage {
  id: string;
  messagesSent: number;
  messagesReceived: number;
  /** Bytes of the instance's media library (uploaded, sent and received media) on disk now. */
  mediaBytes: number;
}

export interface UsageReport {
  keys: KeyUsage[];
  instances: InstanceUsage[];
}

export interface UsageServiceOptions {
  db: Db;
  meter: UsageMeter;
  instances: { list(): InstanceState[] };
  mediaBytes: (instanceId: string) => Promise<number>;
}

/** GET /api/usage: every key and instance for the admin token, its own figures and instances for a key. */
export class UsageService {
  constructor(private readonly opts: UsageServiceOptions) {}

  async report(viewer: Principal): Promise<UsageReport> {
    const { meter } = this.opts;
    const [keyRows, instanceRows] = await Promise.all([keysRepo.listKeys(this.opts.db), usageRepo.listInstanceUsage(this.opts.db)]);
    const keys = keyRows
      .filter((row) => viewer.kind === 'admin' || row.id === viewer.id)
      .map((row): KeyUsage => {
        const p = meter.pendingKey(row.id);
        const total = Number(row.requests_total) + (p?.total ?? 0);
        const failed = Number(row.requests_failed) + (p?.failed ?? 0);
        const busyUs = Number(row.busy_us) + (p?.busyUs ?? 0);
        const lastUsed = Math.max(Number(row.last_used_at ?? 0), p?.lastUsedAt ?? 0);
        return {
          id: row.id,
          name: row.name,
          prefix: row.prefix,
          totalRequests: total,
          successfulRequests: total - failed,
          failedRequests: failed,
          meanMs: total ? Math.round(busyUs / total) / 1000 : 0,
          lastUsedAt: lastUsed ? new Date(lastUsed).toISOString() : null,
        };
      });
    const stored = new Map(instanceRows.map((r) => [r.instance_id, r]));
    const instances = await Promise.all(
      visibleTo(viewer, this.opts.instances.list(), (s) => s.id).map(async (s): Promise<InstanceUsage> => {
        const row = stored.get(s.id);
        const p = meter.pendingInstance(s.id);
        return {
          id: s.id,
          messagesSent: Number(row?.messages_sent ?? 0) + (p?.sent ?? 0),
          messagesReceived: Number(row?.messages_received ?? 0) + (p?.received ?? 0),
          mediaBytes: await this.opts.mediaBytes(s.id),
        };
      }),
    );
    return { keys, instances };
  }
}
