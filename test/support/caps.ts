import type { TestServer } from './app.js';
import { eventually, linkedSandbox } from './app.js';
import { track } from './cleanup.js';
import { webhookReceiver } from './webhook-receiver.js';

/** Helpers for the capability tests (issue 14): linked sandbox instances with a webhook receiver each. */

export const jid = (phone: string) => `${phone}@s.whatsapp.net`;

export type Receiver = Awaited<ReturnType<typeof webhookReceiver>>;

/** Points an instance's webhook at `url`, with these events (every one by default). */
export async function hook(s: TestServer, id: string, url: string, events?: string[]): Promise<void> {
  const all = ['message_received', 'message_ack', 'connection_status', 'message_edited', 'message_revoked', 'message_reaction', 'poll_vote', 'group_update', 'presence_update', 'call'];
  const res = await s.json('POST', `/api/instance/${id}/settings`, { webhookUrl: url, webhookEnabled: true, webhookEvents: events ?? all });
  if (res.status !== 200) throw new Error(`settings of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A linked sandbox instance whose webhook (every event) goes to a receiver of its own (closed after the test, with the servers). */
export async function linkedWithHook(s: TestServer, id: string, phone: string, name?: string) {
  const account = await linkedSandbox(s, id, phone, name);
  const receiver = await webhookReceiver();
  track(() => receiver.close());
  await hook(s, id, receiver.url);
  return { id, phone, jid: jid(phone), account, receiver };
}

/** The first delivered event `event` whose data matches `match` (waits up to 5 s). */
export function delivered(receiver: Receiver, event: string, match: (data: any) => boolean = () => true, ms = 5000): Promise<any> {
  return eventually(`a ${event} event`, () => receiver.accepted.find((r) => r.json?.event === event && match(r.json.data))?.json.data, ms);
}

/** Every delivered event `event` so far, its data. */
export function deliveredAll(receiver: Receiver, event: string): any[] {
  return receiver.accepted.filter((r) => r.json?.event === event).map((r) => r.json.data);
}

/** The stored message `id` of an instance, from its history (waits until it is there). */
export async function storedMessage(s: TestServer, instance: string, id: string, ms = 5000): Promise<any> {
  return eventually(`message ${id} in ${instance}'s history`, async () => {
    const res = await s.json('GET', `/api/instance/${instance}/messages?limit=1000`);
    return (res.body.items as any[]).find((m) => m.id === id);
  }, ms);
}

/** Sends a text from one instance and answers its id once the other side has stored it. */
export async function sendAndDeliver(s: TestServer, from: string, toInstance: string, toPhone: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
  const sent = await s.json('POST', `/api/instance/${from}/messages/chat`, { to: toPhone, body, ...extra });
  if (sent.status !== 200) throw new Error(`send from ${from}: ${sent.status} ${JSON.stringify(sent.body)}`);
  await storedMessage(s, toInstance, sent.body.id);
  return sent.body.id as string;
}
