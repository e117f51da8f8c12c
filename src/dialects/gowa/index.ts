import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { QrLinks } from '../../services/instances/qr-links.js';
import { dialectHandlerFactory, dialectRouter, type DialectOptions } from '../kit.js';
import { appRoutes } from './app-routes.js';
import { callRoutes } from './call-routes.js';
import { errorAnswer } from './envelope.js';
import { GOWA_BASE, gowaRoutes } from './route.js';
import { chatRoutes } from './chat-routes.js';
import { groupRoutes } from './group-routes.js';
import { groupSettingRoutes } from './group-setting-routes.js';
import { messageRoutes } from './message-routes.js';
import { sendRoutes } from './send-routes.js';
import { userRoutes } from './user-routes.js';
import { webhookRoutes } from './webhook-routes.js';

export { GOWA_ACCESS, GOWA_BASE } from './route.js';

/**
 * The key of a GoWA client: HTTP Basic auth's password (GoWA's `APP_BASIC_AUTH=user:pass`; the
 * user name is not checked, a key alone may be given as the user name), or any native token place.
 */
export function basicAuthToken(c: Context<AppEnv>, native: (c: Context<AppEnv>) => string | null): string | null {
  const authorization = c.req.header('authorization')?.trim() ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, pass] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    return pass || user || null;
  }
  return native(c);
}

export interface GowaOptions extends Omit<DialectOptions, 'errorAnswer' | 'tokenOf'> {
  publicUrl: string;
  /** The clock of GoWA's "server timestamp" in answers. */
  now?: () => number;
}

/** go-whatsapp-web-multidevice (seed 002) under /gowa: GoWA's paths, fields, envelope and codes. */
export function gowaDialect(services: Services, opts: GowaOptions) {
  const r = dialectRouter();
  const qrLinks = new QrLinks();
  const handler = dialectHandlerFactory({ ...opts, errorAnswer, tokenOf: (c) => basicAuthToken(c, opts.gates.nativeToken) });
  const route = gowaRoutes(r, handler);

  appRoutes(route, { services, qrLinks, publicUrl: opts.publicUrl });
  sendRoutes(route, { services });
  messageRoutes(route, { services, now: opts.now ?? Date.now });
  userRoutes(route, { services });
  groupRoutes(route, { services });
  groupSettingRoutes(route, { services });
  chatRoutes(route, { services });
  callRoutes(route, { services });
  webhookRoutes(route, { services });

  // The QR image behind a qr_link: public while it lasts, as GoWA's static file is.
  r.get(`${GOWA_BASE}/statics/images/qrcode/:name`, (c) => {
    const png = qrLinks.get(c.req.param('name'));
    if (!png) return errorAnswer(c, new AppError('not_found', 'this QR code link has expired or never existed: ask /app/login for a new one'));
    return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  });
  // Anything else under the base path: GoWA's shape, not the native one.
  r.all(`${GOWA_BASE}/*`, (c) => errorAnswer(c, new AppError('not_found', `Cannot ${c.req.method} ${c.req.path}`)));
  return r;
}
