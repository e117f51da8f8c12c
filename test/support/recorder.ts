import type { AckUpdate, ChatUpsert, EngineContact, EngineEvent, EngineEventType, EngineGroup, EngineMessage, StatusUpdate } from '../../src/engines/engine.js';

/** Records everything an engine emits, with a way to wait for what is expected. */
export class RecordingListener {
  readonly qrs: (string | null)[] = [];
  readonly statuses: StatusUpdate[] = [];
  readonly messages: EngineMessage[] = [];
  readonly acks: AckUpdate[] = [];
  readonly chats: ChatUpsert[] = [];
  readonly contacts: EngineContact[] = [];
  readonly groups: EngineGroup[] = [];
  /** Every event, in order (the ones without a list of their own are read with `of`). */
  readonly all: EngineEvent[] = [];
  private waiters: (() => void)[] = [];

  /** The engine context's `emit`. */
  readonly emit = (event: EngineEvent): void => {
    this.all.push(event);
    switch (event.type) {
      case 'qr':
        this.qrs.push(event.qr);
        break;
      case 'status':
        this.statuses.push(event.update);
        break;
      case 'message':
        this.messages.push(event.message);
        break;
      case 'ack':
        this.acks.push(event.ack);
        break;
      case 'chat_upsert':
        this.chats.push(...event.chats);
        break;
      case 'contact_upsert':
        this.contacts.push(...event.contacts);
        break;
      case 'group_upsert':
        this.groups.push(...event.groups);
        break;
    }
    for (const w of [...this.waiters]) w();
  };

  /** The events of one type, in order. */
  of<T extends EngineEventType>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.all.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }

  lastStatus(): StatusUpdate | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Resolves once `check` holds; rejects after `ms` with `what` in the message. */
  until(what: string, check: () => boolean, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }
}
