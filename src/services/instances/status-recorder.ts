import type { StatusUpdate } from '../../engines/engine.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Db } from '../../storage/db.js';
import * as instancesRepo from '../../storage/instances-repo.js';
import { transact } from '../../storage/transact.js';
import type { ConnectionStatusData, EventSink } from '../events.js';

/**
 * Persists what a status change means: a newly linked account on the instance row and the
 * `connection_status` event, in one transaction, per instance in the order the changes happened.
 */
export class StatusRecorder {
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly events: EventSink,
    private readonly log: Logger,
  ) {}

  /** `extra` adds to the event's data (why the change happened: a deaf instance being reconnected). */
  record(instanceId: string, update: StatusUpdate, accountChanged: boolean, statusChanged: boolean, extra: Pick<ConnectionStatusData, 'reason' | 'error'> = {}): void {
    const account = update.account;
    const write = () =>
      transact(this.db, async (trx) => {
        if (accountChanged && account) {
          await instancesRepo.updateInstance(trx, instanceId, { account_id: account.id, account_name: account.name, account_phone: account.phone });
        }
        if (!statusChanged) return;
        await this.events.record(trx, instanceId, {
          event: 'connection_status',
          data: {
            status: update.status === 'open' ? 'connected' : update.status,
            ...(update.status === 'open' && account ? { account: { id: account.id, name: account.name, phone: account.phone } } : {}),
            ...(update.error ? { error: update.error } : {}),
            ...extra,
          },
        });
      });
    const next = (this.writes.get(instanceId) ?? Promise.resolve())
      .then(write)
      .catch((err) => this.log.warn('could not record a status change', { instance: instanceId, error: describeError(err) }));
    this.writes.set(instanceId, next);
  }

  /** A `connection_status` event saying WhatsApp's reach-out timelock refuses new contacts until `untilMs`. */
  timelock(instanceId: string, untilMs: number): void {
    const write = () =>
      transact(this.db, (trx) =>
        this.events.record(trx, instanceId, { event: 'connection_status', data: { status: 'connected', timelockUntil: new Date(untilMs).toISOString() } }),
      );
    const next = (this.writes.get(instanceId) ?? Promise.resolve())
      .then(write)
      .catch((err) => this.log.warn('could not record a timelock', { instance: instanceId, error: describeError(err) }));
    this.writes.set(instanceId, next);
  }

  /** Forgets a deleted instance (its writes are done or failed by now). */
  forget(instanceId: string): void {
    this.writes.delete(instanceId);
  }

  /** Waits for the status writes made so far (tests, shutdown, deletion). */
  async settled(instanceId?: string): Promise<void> {
    await Promise.all(instanceId ? [this.writes.get(instanceId)] : [...this.writes.values()]);
  }
}
