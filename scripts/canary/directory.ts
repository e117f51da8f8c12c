/**
 * The checks of what each side knows of the other: chat, contact and group lists, contact
 * look-ups, number checks, the profile picture, blocking; and at the end, logging out.
 */
import { ackRank, account, findMessage, path, wait, type Ctx, type Side } from './context.js';
import { sleep } from './api.js';
import { sendAndReceive } from './sends.js';
import { fmtSeconds, Skip } from './runner.js';

/** Both sides' `list` (chats or contacts) contain the other side. */
export async function listsContain(ctx: Ctx, list: 'chats' | 'contacts'): Promise<string> {
  const a = account(ctx.a);
  const b = account(ctx.b);
  const out: string[] = [];
  for (const [side, other] of [[ctx.a, b], [ctx.b, a]] as const) {
    let seen = 0;
    await wait(
      ctx,
      `${side.label}'s ${list} to list ${other.id}`,
      async () => {
        const rows = await ctx.api.ok<{ id: string }[]>('GET', path(side, list));
        seen = rows.length;
        return rows.some((r) => r.id === other.id);
      },
      () => `${seen} ${list}, none of them ${other.id}`,
    );
    out.push(`${side.label} lists ${other.id} (of ${seen})`);
  }
  return out.join('; ');
}

/** A looks B up: GET contacts/contact. */
export async function contactLookup(ctx: Ctx): Promise<string> {
  const b = account(ctx.b);
  const c = await ctx.api.ok<{ id: string; name: string | null; notify: string | null }>('GET', path(ctx.a, `contacts/contact?chatId=${b.phone}`));
  if (c.id !== b.id) throw new Error(`A's look-up of +${b.phone} answered ${c.id}, expected ${b.id}`);
  return `A sees ${c.id}: name ${JSON.stringify(c.name)}, push name ${JSON.stringify(c.notify)}`;
}

async function groupIds(ctx: Ctx, side: Side): Promise<string[]> {
  return ctx.api.ok<string[]>('GET', path(side, 'groups/ids'));
}

/**
 * A group both numbers are in: CANARY_GROUP_ID, or one found in both lists, or (sandbox) a new
 * one made by the sandbox control. The native API cannot create groups, so with real phones one
 * must exist already.
 */
export async function findSharedGroup(ctx: Ctx): Promise<string> {
  if (ctx.cfg.groupId) return ctx.cfg.groupId;
  if (ctx.cfg.engine === 'sandbox') {
    const made = await ctx.api.ok<{ id: string }>('POST', `/api/sandbox/${encodeURIComponent(ctx.a.id)}/groups`, {
      name: `Hatline canary ${ctx.tag}`,
      participants: [account(ctx.b).phone],
    });
    return made.id;
  }
  const [ga, gb] = await Promise.all([groupIds(ctx, ctx.a), groupIds(ctx, ctx.b)]);
  const shared = ga.find((id) => gb.includes(id));
  if (!shared) {
    throw new Skip(
      `skipped: no group has both numbers (A is in ${ga.length}, B in ${gb.length}); create one on a phone or set CANARY_GROUP_ID (the API cannot create groups yet)`,
    );
  }
  return shared;
}

/** Both sides list the group, and its metadata names the other side as a member. */
export async function groupLists(ctx: Ctx, groupId: string): Promise<string> {
  const a = account(ctx.a);
  const b = account(ctx.b);
  for (const side of [ctx.a, ctx.b]) {
    await wait(ctx, `${side.label}'s groups to list ${groupId}`, async () => (await groupIds(ctx, side)).includes(groupId));
  }
  const g = await ctx.api.ok<{ name: string; participants: { id: string }[] }>('GET', path(ctx.a, `groups/group?groupId=${encodeURIComponent(groupId)}`));
  const members = g.participants.map((p) => p.id);
  const missing = [a.id, b.id].filter((id) => !members.includes(id));
  if (missing.length) throw new Error(`group ${groupId} lists ${members.join(', ')}; missing ${missing.join(', ')}`);
  return `both list ${groupId} "${g.name}" (${members.length} members, A and B among them)`;
}

/** A writes in the group; B has it. */
export async function groupMessage(ctx: Ctx, groupId: string | null): Promise<string> {
  if (!groupId) throw new Skip('not run: needs a group with both numbers');
  const body = `Hatline canary ${ctx.tag}: group`;
  const sent = await ctx.api.ok<{ id: string }>('POST', path(ctx.a, 'messages/chat'), { to: groupId, body });
  const got = await wait(ctx, `B to receive group message ${sent.id}`, () => findMessage(ctx, ctx.b, sent.id));
  if (got.chatId !== groupId) throw new Error(`B got ${sent.id} in chat ${got.chatId}, expected ${groupId}`);
  if (got.body !== body) throw new Error(`B got ${sent.id} with body ${JSON.stringify(got.body)}`);
  return `id ${sent.id}; B got it in ${groupId} from ${got.from}`;
}

/** A checks a number: B's (exists) or one that should not be on WhatsApp. */
export async function numberCheck(ctx: Ctx, which: 'exists' | 'missing'): Promise<string> {
  const b = account(ctx.b);
  if (which === 'exists') {
    const r = await ctx.api.ok<{ exists: boolean; jid: string | null }>('GET', path(ctx.a, `contacts/check?chatId=${b.phone}`));
    if (!r.exists || r.jid !== b.id) throw new Error(`check of B's +${b.phone} answered ${JSON.stringify(r)}, expected exists with jid ${b.id}`);
    return `+${b.phone}: exists, jid ${r.jid}`;
  }
  const number = ctx.cfg.missingNumber ?? `${b.phone.slice(0, -4)}0000`;
  const r = await ctx.api.ok<{ exists: boolean; jid: string | null }>('GET', path(ctx.a, `contacts/check?chatId=${number}`));
  if (r.exists || r.jid !== null) {
    throw new Error(`check of +${number} answered ${JSON.stringify(r)}; if that number really is on WhatsApp, set CANARY_MISSING_NUMBER to one that is not`);
  }
  return `+${number}: does not exist`;
}

/** A reads B's profile picture; a URL must load as an image. */
export async function profilePicture(ctx: Ctx): Promise<string> {
  const b = account(ctx.b);
  const r = await ctx.api.ok<{ url: string | null }>('GET', path(ctx.a, `contacts/image?chatId=${b.phone}`));
  if (r.url === null) return 'B has no picture, or hides it from A (url null)';
  if (typeof r.url !== 'string') throw new Error(`answered ${JSON.stringify(r)}`);
  const got = await ctx.api.download(r.url);
  if (got.status !== 200 || !got.type.startsWith('image/')) throw new Error(`the picture URL answers HTTP ${got.status} ${got.type}`);
  return `B's picture loads (${got.type}, ${got.data.length} B)`;
}

/** B blocks A; A's next message stays `sent` and never reaches B. Answers with the block kept on. */
export async function block(ctx: Ctx): Promise<string> {
  const a = account(ctx.a);
  const b = account(ctx.b);
  await ctx.api.ok('POST', path(ctx.b, 'contacts/block'), { chatId: a.phone });
  const body = `Hatline canary ${ctx.tag}: while blocked`;
  const sent = await ctx.api.ok<{ id: string }>('POST', path(ctx.a, 'messages/chat'), { to: b.phone, body });
  const until = Date.now() + ctx.cfg.quietMs;
  let status = 'sent';
  while (Date.now() < until) {
    if (await findMessage(ctx, ctx.b, sent.id)) throw new Error(`B received ${sent.id} although it blocked A`);
    status = (await findMessage(ctx, ctx.a, sent.id))?.status ?? 'missing';
    if (ackRank(status) >= ackRank('delivered')) throw new Error(`A's message ${sent.id} became ${status} although B blocked A`);
    await sleep(ctx.cfg.pollMs, ctx.signal);
  }
  return `B blocked A; A's message ${sent.id} stayed ${status} and did not reach B in ${fmtSeconds(ctx.cfg.quietMs)}`;
}

/** B unblocks A (run whatever happened before, so no run leaves A blocked); A's next message arrives. */
export async function unblock(ctx: Ctx): Promise<string> {
  await ctx.api.ok('POST', path(ctx.b, 'contacts/unblock'), { chatId: account(ctx.a).phone });
  const body = `Hatline canary ${ctx.tag}: after unblock`;
  const { detail } = await sendAndReceive(ctx, ctx.a, ctx.b, { kind: 'text after unblock', endpoint: 'chat', type: 'chat', body: (to) => ({ to, body }) }, false);
  return `B unblocked A; ${detail}`;
}

async function statusWord(ctx: Ctx, side: Side): Promise<{ status?: string; error?: string }> {
  return (await ctx.api.ok<{ accountStatus?: { status?: string; error?: string } }>('GET', path(side, 'status'))).accountStatus ?? {};
}

/** The operator unlinks B on phone B; the server must see the logout (status disconnected, /me 409). */
export async function phoneUnlink(ctx: Ctx): Promise<string> {
  if (!ctx.cfg.phoneUnlink) throw new Skip('skipped: set CANARY_PHONE_UNLINK=1 to check a logout made on the phone (phone B must be linked again afterwards)');
  if (ctx.cfg.engine !== 'wwebjs') throw new Skip('skipped: the sandbox has no phone to unlink from');
  ctx.say(`\n  Phone B: WhatsApp → Settings → Linked devices → tap the Hatline device → Log out.\n`);
  let seen = '';
  await wait(
    ctx,
    'B to see the logout from the phone',
    async () => {
      const st = await statusWord(ctx, ctx.b);
      seen = `${st.status}${st.error ? `: ${st.error}` : ''}`;
      return st.status === 'disconnected';
    },
    () => seen,
    ctx.cfg.linkTimeoutMs,
  );
  const me = await ctx.api.request('GET', path(ctx.b, 'me'));
  if (me.status !== 409) throw new Error(`B is ${seen}, but GET /me answers ${me.status} (expected 409)`);
  ctx.b.account = null;
  return `B is ${seen}; GET /me answers 409`;
}

/** POST logout on both (B only while still linked); both end disconnected with /me 409. */
export async function logout(ctx: Ctx): Promise<string> {
  if (!ctx.cfg.logout) throw new Skip('skipped: set CANARY_LOGOUT=1 to log both out at the end (linking again needs the phones)');
  const out: string[] = [];
  for (const side of [ctx.a, ctx.b]) {
    if (!side.account) {
      out.push(`${side.label} already logged out`);
      continue;
    }
    await ctx.api.ok('POST', path(side, 'logout'));
    await wait(ctx, `${side.id} to be disconnected`, async () => (await statusWord(ctx, side)).status === 'disconnected');
    const me = await ctx.api.request('GET', path(side, 'me'));
    if (me.status !== 409) throw new Error(`${side.id} logged out, but GET /me answers ${me.status} (expected 409)`);
    side.account = null;
    out.push(`${side.label} disconnected`);
  }
  return out.join('; ');
}
