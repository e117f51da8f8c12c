/**
 * Before the checks: the server answers and takes the token, and the two instances exist (created,
 * or reused by id) and are linked. Linking a wwebjs instance needs the operator: the QR is shown
 * (in the terminal when the API gives the raw QR text, else as a URL to open), or a pairing code
 * when a phone number was given. Sandbox instances are linked by the sandbox's scan control.
 */
import QRCode from 'qrcode';
import { ApiError, sleep } from './api.js';
import { path, wait, type Account, type Ctx, type Side } from './context.js';
import { fmtSeconds, TimedOut } from './runner.js';

interface StatusBody {
  /** `webVersion`: the WhatsApp Web build the session last ran (wwebjs). */
  accountStatus?: { status?: string; error?: string; pairingCode?: string; webVersion?: string };
}

export interface ServerInfo {
  hatlineVersion: string;
  engines: string[];
  /** whatsapp-web.js and its patch set on the server (GET /health `wwebjs`), e.g. `whatsapp-web.js 1.34.7, patches complete`. */
  library: string;
}

/** GET /health, the token, and the engine: answers Hatline's version and the library's. */
export async function checkServer(ctx: Ctx): Promise<ServerInfo> {
  const health = await ctx.api.ok<{ version?: string; wwebjs?: { library?: string; patches?: string } }>('GET', '/health');
  const engines = await ctx.api.request<{ name: string }[]>('GET', '/api/engines');
  if (engines.status === 401) throw new Error('the server does not accept HATLINE_TOKEN (401)');
  if (engines.status !== 200 || !Array.isArray(engines.body)) throw new Error(`GET /api/engines answered ${engines.status}`);
  const names = engines.body.map((e) => e.name);
  if (!names.includes(ctx.cfg.engine)) throw new Error(`the server has no ${ctx.cfg.engine} engine (it has ${names.join(', ')})`);
  const library = health.wwebjs ? `${health.wwebjs.library ?? 'whatsapp-web.js'}, patches ${health.wwebjs.patches ?? 'unknown'}` : 'unknown';
  return { hatlineVersion: health.version ?? 'unknown', engines: names, library };
}

/** The WhatsApp Web build a linked instance runs (`accountStatus.webVersion`); 'unknown' when none says (yet). */
export async function waWebVersion(ctx: Ctx): Promise<string> {
  try {
    for (const side of [ctx.a, ctx.b]) {
      const st = await ctx.api.request<StatusBody>('GET', path(side, 'status'));
      const v = st.body?.accountStatus?.webVersion;
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

async function status(ctx: Ctx, side: Side): Promise<NonNullable<StatusBody['accountStatus']>> {
  const body = await ctx.api.ok<StatusBody>('GET', path(side, 'status'));
  return body.accountStatus ?? {};
}

/** Creates the instance, or reuses it when it exists with the right engine; answers which. */
async function ensureInstance(ctx: Ctx, side: Side): Promise<'created' | 'reused'> {
  const created = await ctx.api.request('POST', '/api/instance', {
    id: side.id,
    engine: ctx.cfg.engine,
    description: `Hatline canary ${side.label}`,
  });
  if (created.status === 200) return 'created';
  if (created.status !== 409) throw new ApiError(`POST /api/instance answered ${created.status}: ${JSON.stringify(created.body)}`, created.status, created.body);
  const list = await ctx.api.ok<{ details?: Record<string, { engine?: string }> }>('GET', '/api/instance');
  const engine = list.details?.[side.id]?.engine;
  if (engine && engine !== ctx.cfg.engine) {
    throw new Error(`instance ${side.id} exists on the ${engine} engine, not ${ctx.cfg.engine}: choose other ids (CANARY_ID_${side.label})`);
  }
  return 'reused';
}

/** The raw QR text when the API gives it (a future `qr` field), for a terminal QR. */
function rawQr(body: Record<string, unknown>): string | null {
  for (const key of ['qr', 'raw', 'qrText']) {
    const v = body[key];
    if (typeof v === 'string' && v && !v.startsWith('data:')) return v;
  }
  return null;
}

/** Shows the operator how to link `side` (QR or pairing code) until it is open. */
async function guideOperator(ctx: Ctx, side: Side, phone: string | null, firstCode: string | null): Promise<string> {
  const qrUrl = `${ctx.api.base}${path(side, 'qrcode')}?token=${encodeURIComponent(ctx.cfg.token)}`;
  let shownCode: string | null = null;
  let shownQr: string | null = null;
  let shownError: string | null = null;
  const how = () => (shownCode ? 'pairing code' : shownQr ? 'QR' : 'session restored');
  const deadline = Date.now() + ctx.cfg.linkTimeoutMs;
  while (Date.now() < deadline) {
    const st = await status(ctx, side);
    if (st.status === 'open') return how();
    st.pairingCode ??= firstCode ?? undefined; // connect answered it; the status shows it too
    if (st.error && st.error !== shownError) ctx.say(`  ${side.label}: ${st.status}: ${st.error}`);
    shownError = st.error ?? null;
    if (st.pairingCode && st.pairingCode !== shownCode) {
      shownCode = st.pairingCode;
      ctx.say(`\n  Phone ${side.label} (+${phone}): WhatsApp → Settings → Linked devices → Link a device →`);
      ctx.say(`  "Link with phone number instead", and enter:  ${st.pairingCode}\n`);
    } else if (!shownCode && st.status === 'connecting') {
      const qr = await ctx.api.ok<Record<string, unknown>>('GET', path(side, 'qr'));
      const raw = rawQr(qr);
      const key = raw ?? (typeof qr.qrCode === 'string' ? 'png' : null);
      if (key && key !== shownQr) {
        shownQr = key;
        ctx.say(`\n  Phone ${side.label}: WhatsApp → Settings → Linked devices → Link a device, and scan:`);
        if (raw) ctx.say(await QRCode.toString(raw, { type: 'terminal', small: true }));
        else ctx.say(`  ${qrUrl}\n  (open it in a browser, reload it if the QR has expired; or use the dashboard at ${ctx.api.base}/)\n`);
      }
    }
    await sleep(Math.min(Math.max(1000, ctx.cfg.pollMs), Math.max(0, deadline - Date.now())), ctx.signal);
  }
  const st = await status(ctx, side);
  throw new TimedOut(
    `not linked within ${fmtSeconds(ctx.cfg.linkTimeoutMs)} (status ${st.status}${st.error ? `: ${st.error}` : ''}); CANARY_LINK_TIMEOUT_MS gives more time`,
  );
}

/** Sandbox: waits for the QR the server serves, then scans it with a simulated phone. */
async function sandboxScan(ctx: Ctx, side: Side, phone: string | null): Promise<string> {
  const seen = await wait(ctx, `the QR of ${side.id}`, async () => {
    const qr = await ctx.api.ok<{ qrCode: string | null; status: string }>('GET', path(side, 'qr'));
    if (qr.status === 'open') return 'open';
    return typeof qr.qrCode === 'string' && qr.qrCode.startsWith('data:image/png;base64,') ? 'qr' : undefined;
  });
  if (seen === 'open') return 'session restored';
  await ctx.api.ok('POST', `/api/sandbox/${encodeURIComponent(side.id)}/scan`, {
    ...(phone ? { phone } : {}),
    name: `Canary ${side.label}`,
  });
  return 'sandbox scan of the served QR';
}

/** One link row: the instance exists, connects, and is open with an account. */
export async function link(ctx: Ctx, side: Side, other: Side): Promise<string> {
  const phone = side.label === 'A' ? ctx.cfg.phoneA : ctx.cfg.phoneB;
  const origin = await ensureInstance(ctx, side);
  const started = Date.now();
  let how = '';
  const before = await status(ctx, side);
  if (before.status !== 'open') {
    const pairing = ctx.cfg.engine === 'wwebjs' && phone ? { phone } : undefined;
    const connected = await ctx.api.ok<{ pairingCode?: string }>('POST', path(side, 'connect'), pairing);
    if (ctx.cfg.engine === 'sandbox') {
      how = await sandboxScan(ctx, side, phone);
    } else {
      // A kept session opens by itself, with nothing to show.
      how = await guideOperator(ctx, side, phone, connected.pairingCode ?? null);
    }
    await wait(ctx, `${side.id} to be open`, async () => (await status(ctx, side)).status === 'open');
  }
  const me = await ctx.api.ok<Account>('GET', path(side, 'me'));
  side.account = me;
  side.linkedPhone = me.phone;
  if (phone && me.phone !== phone) throw new Error(`${side.id} is linked to +${me.phone}, not CANARY_PHONE_${side.label} +${phone}`);
  if (other.account && other.account.phone === me.phone) {
    throw new Error(`${side.id} and ${other.id} are linked to the same number +${me.phone}: link two different phones`);
  }
  const took = before.status === 'open' ? 'already open' : `${how}, open after ${fmtSeconds(Date.now() - started)}`;
  return `${origin} ${side.id} (${ctx.cfg.engine}); linked to +${me.phone} "${me.name}"; ${took}`;
}
