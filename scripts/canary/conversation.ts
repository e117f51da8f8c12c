/**
 * The checks of the conversation once messages went across: acks, read, B's replies, reactions,
 * delete for everyone, archive.
 */
import { ackRank, account, findMessage, path, recentMessages, wait, type Ctx } from './context.js';
import { sendAndReceive } from './sends.js';
import { fmtSeconds, Skip, TimedOut } from './runner.js';

/** Waits until every message A sent in this run is at least `status` on A's side. */
export async function acksReach(ctx: Ctx, status: 'delivered' | 'read'): Promise<string> {
  if (!ctx.sentByA.length) throw new Skip('not run: no message of A reached B');
  let behind: string[] = [];
  await wait(
    ctx,
    `every message A sent to reach ${status}`,
    async () => {
      const byId = new Map((await recentMessages(ctx, ctx.a)).map((m) => [m.id, m.status]));
      behind = ctx.sentByA.filter((s) => ackRank(byId.get(s.id) ?? 'missing') < ackRank(status)).map((s) => `${s.kind} ${s.id}: ${byId.get(s.id) ?? 'not in A history'}`);
      return behind.length === 0;
    },
    () => behind.join('; '),
  );
  const hint = status === 'read' ? ' (needs read receipts on in phone B\'s privacy settings)' : '';
  return `all ${ctx.sentByA.length} messages A sent are ${status} or further${hint}`;
}

interface ChatRow {
  id: string;
  unreadCount: number;
  archived: boolean;
}

async function chatOf(ctx: Ctx, on: 'a' | 'b', chatId: string): Promise<ChatRow | undefined> {
  const chats = await ctx.api.ok<ChatRow[]>('GET', path(ctx[on], 'chats'));
  return chats.find((c) => c.id === chatId);
}

/** B marks its chat with A read; its unreadCount drops to 0. */
export async function markRead(ctx: Ctx): Promise<string> {
  const a = account(ctx.a);
  const before = await chatOf(ctx, 'b', a.id);
  await ctx.api.ok('POST', path(ctx.b, 'chats/read'), { chatId: a.phone });
  let seen = '';
  await wait(
    ctx,
    `B's chat with A to have no unread message`,
    async () => {
      const chat = await chatOf(ctx, 'b', a.id);
      seen = chat ? `unreadCount ${chat.unreadCount}` : `no chat ${a.id} in B's list`;
      return chat?.unreadCount === 0;
    },
    () => seen,
  );
  return `B's chat with A went from ${before?.unreadCount ?? '?'} unread to 0`;
}

/** B replies; A receives. */
export async function reply(ctx: Ctx, kind: 'text' | 'image'): Promise<string> {
  const text = `Hatline canary ${ctx.tag}: reply`;
  const { id, detail } =
    kind === 'text'
      ? await sendAndReceive(ctx, ctx.b, ctx.a, { kind: 'reply', endpoint: 'chat', type: 'chat', body: (to) => ({ to, body: text }) }, false)
      : await sendAndReceive(
          ctx,
          ctx.b,
          ctx.a,
          {
            kind: 'image reply',
            endpoint: 'image',
            type: 'image',
            body: (to) => ({ to, image: `data:image/png;base64,${ctx.media.reply.data.toString('base64')}`, caption: text }),
            media: { mime: 'image/' },
          },
          false,
        );
  if (kind === 'text') ctx.replyId = id;
  return detail;
}

/** A reacts to B's reply (or removes the reaction with ""). */
export async function react(ctx: Ctx, emoji: string): Promise<string> {
  if (!ctx.replyId) throw new Skip('not run: needs B\'s text reply');
  const answer = await ctx.api.ok<{ sent: boolean; id: string }>('POST', path(ctx.a, 'messages/reaction'), {
    to: account(ctx.b).phone,
    msgId: ctx.replyId,
    emoji,
  });
  if (answer.sent !== true) throw new Error(`the reaction answered ${JSON.stringify(answer)}`);
  const what = emoji ? `reacted ${emoji} to` : 'removed its reaction to';
  return `A ${what} B's reply ${ctx.replyId}; B's side cannot be observed through the API (no reaction event)`;
}

/** A sends a text, B has it, A deletes it for everyone; A's copy becomes revoked. Answers the id. */
export async function revoke(ctx: Ctx): Promise<{ id: string; detail: string }> {
  const body = `Hatline canary ${ctx.tag}: to be deleted`;
  const { id } = await sendAndReceive(ctx, ctx.a, ctx.b, { kind: 'revoke', endpoint: 'chat', type: 'chat', body: (to) => ({ to, body }) }, false);
  const answer = await ctx.api.ok<{ deleted: boolean }>('POST', path(ctx.a, 'messages/delete'), { to: account(ctx.b).phone, msgId: id });
  if (answer.deleted !== true) throw new Error(`the delete answered ${JSON.stringify(answer)}`);
  let seen = '';
  await wait(
    ctx,
    `A's copy of ${id} to become revoked`,
    async () => {
      const m = await findMessage(ctx, ctx.a, id);
      seen = m ? `type ${m.type}` : 'not in A history';
      return m?.type === 'revoked';
    },
    () => seen,
  );
  return { id, detail: `A deleted ${id} for everyone; A's copy is type revoked` };
}

/** Whether B's copy of a revoked message becomes `revoked` (the API may not report it yet). */
export async function revokeSeen(ctx: Ctx, id: string | null): Promise<string> {
  if (!id) throw new Skip('not run: needs the revoke');
  let seen = '';
  // The other side's revoke arrives as an event (message_revoked) and marks B's copy revoked.
  await wait(
    ctx,
    `B's copy of ${id} to become revoked`,
    async () => {
      const m = await findMessage(ctx, ctx.b, id);
      seen = m ? `type ${m.type}` : 'not in B history';
      return m?.type === 'revoked';
    },
    () => seen,
    ctx.cfg.quietMs,
  );
  return `B's copy of ${id} is type revoked`;
}

/** B archives (or unarchives) its chat with A; the chat list shows it. */
export async function archive(ctx: Ctx, archived: boolean): Promise<string> {
  const a = account(ctx.a);
  await ctx.api.ok('POST', path(ctx.b, archived ? 'chats/archive' : 'chats/unarchive'), { chatId: a.phone });
  let seen = '';
  await wait(
    ctx,
    `B's chat with A to be ${archived ? 'archived' : 'unarchived'}`,
    async () => {
      const chat = await chatOf(ctx, 'b', a.id);
      seen = chat ? `archived ${chat.archived}` : `no chat ${a.id} in B's list`;
      return chat?.archived === archived;
    },
    () => seen,
  );
  return `B's chat list shows the chat with A archived: ${archived} (the phone's own view is not observable)`;
}
