import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { Services } from '../../http/deps.js';
import { actorOf } from '../../services/access/principal.js';
import type { InstanceState } from '../../services/instances/instance-state.js';
import type { QrLinks } from '../../services/instances/qr-links.js';
import { MAX_MEDIA_BYTES } from '../../media/media-source.js';
import { VERSION } from '../../paths.js';
import { validParams } from '../kit.js';
import { deviceOf, GowaError, namedDevice } from './device.js';
import { ok } from './envelope.js';
import { applyGowaWebhook, DeviceWebhook } from './webhook-routes.js';
import { GOWA_BASE, manage, read, type gowaRoutes } from './route.js';

/** How long a QR link answers, and the `qr_duration` GoWA clients count down (seconds). */
const QR_SECONDS = 30;

const LoginCode = z.object({ phone: z.string({ error: 'cannot be blank' }).regex(/^\+?[0-9]{1,15}$/, 'must be an international phone number (digits, optional +)') });
const NewDevice = DeviceWebhook.partial().extend({ device_id: z.string().max(64).optional() });

/** A GoWA device's state: logged_in when open, else connecting or disconnected. */
const stateOf = (s: InstanceState) => (s.status === 'open' ? 'logged_in' : s.status);

export function deviceInfo(s: InstanceState) {
  return {
    id: s.id,
    phone_number: s.account?.phone ?? '',
    display_name: s.account?.name ?? '',
    state: stateOf(s),
    jid: s.account?.id ?? '',
    created_at: new Date(s.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export interface AppRouteDeps {
  services: Pick<Services, 'instances' | 'settings'>;
  qrLinks: QrLinks;
  publicUrl: string;
}

/** /app/* (login by QR or code, logout, reconnect, devices, status) and /devices/* (devices as instances). */
export function appRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, settings }, qrLinks, publicUrl }: AppRouteDeps) {
  const alreadyLoggedIn = () => new GowaError('bad_request', 'ALREADY_LOGGED_IN', 'you are already logged in.');

  const login = async (id: string) => {
    if (instances.get(id).status === 'open') throw alreadyLoggedIn();
    const state = await instances.linking(id);
    if (state.status === 'open') throw alreadyLoggedIn();
    const png = await instances.qrPng(id);
    if (!png) throw new AppError('unavailable', `no QR code yet (status: ${state.status}${state.error ? `: ${state.error}` : ''}); try again in a few seconds`, { 'Retry-After': '5' });
    const name = qrLinks.publish(png, QR_SECONDS * 1000);
    return { device_id: id, qr_link: `${publicUrl}${GOWA_BASE}/statics/images/qrcode/${name}`, qr_duration: QR_SECONDS };
  };

  const loginWithCode = async (c: Context<AppEnv>, id: string) => {
    const { phone } = await validParams(c, LoginCode);
    if (instances.get(id).status === 'open') throw alreadyLoggedIn();
    const state = await instances.linking(id, { pairingPhone: phone.replace(/^\+/, '') });
    if (state.status === 'open') throw alreadyLoggedIn();
    if (!state.pairingCode) throw new AppError('unavailable', `no pairing code yet (status: ${state.status}${state.error ? `: ${state.error}` : ''}); try again in a few seconds`, { 'Retry-After': '5' });
    return { device_id: id, pair_code: state.pairingCode };
  };

  route({ method: 'GET', path: '/app/login', summary: 'Log in by QR code: a link to the QR image', requirement: manage, run: async (c) => ok(c, 'Login success', await login(deviceOf(c, instances).id)) });
  route({
    method: 'GET',
    path: '/app/login-with-code',
    summary: 'Log in with a pairing code typed on the phone',
    requirement: manage,
    fields: LoginCode,
    run: async (c) => ok(c, 'Login with code success', await loginWithCode(c, deviceOf(c, instances).id)),
  });
  route({
    method: 'GET',
    path: '/app/logout',
    summary: 'Log out (unlink the device)',
    requirement: manage,
    run: async (c) => {
      const id = deviceOf(c, instances).id;
      await instances.logout(id);
      return ok(c, 'Success logout', { device_id: id });
    },
  });
  route({
    method: 'GET',
    path: '/app/reconnect',
    summary: 'Reconnect to WhatsApp (the session is kept)',
    requirement: manage,
    run: async (c) => {
      const id = deviceOf(c, instances).id;
      instances.restart(id);
      return ok(c, 'Reconnect success', { device_id: id });
    },
  });
  route({
    method: 'GET',
    path: '/app/devices',
    summary: 'The devices this key sees: name, device id and JID',
    requirement: read,
    run: async (c) =>
      ok(
        c,
        'Fetch device success',
        instances.list(c.get('principal')).map((s) => ({ name: s.account?.name || s.account?.phone || s.id, device: s.id, jid: s.account?.id ?? '' })),
      ),
  });
  route({
    method: 'GET',
    path: '/app/info',
    summary: "The server: Hatline's version, the base path, the largest file a send takes (no device needed)",
    requirement: read,
    // GoWA answers this before any device exists (for standalone UIs): no device is looked up.
    // One limit holds for every kind of file in Hatline (64 MB); Chatwoot is not part of Hatline.
    run: async (c) =>
      ok(c, 'Fetch app info success', {
        version: `v${VERSION}`,
        os: 'Hatline',
        base_path: GOWA_BASE,
        max_file_size: MAX_MEDIA_BYTES,
        max_video_size: MAX_MEDIA_BYTES,
        max_image_size: MAX_MEDIA_BYTES,
        chatwoot_enabled: false,
      }),
  });
  route({
    method: 'GET',
    path: '/app/status',
    summary: 'Whether the device is connected and logged in',
    requirement: read,
    run: async (c) => {
      const s = deviceOf(c, instances);
      return ok(c, 'Connection status retrieved', { is_connected: s.status === 'open', is_logged_in: s.status === 'open', device_id: s.id, jid: s.account?.id ?? '' });
    },
  });

  // Devices are instances.
  const device = (c: Context<AppEnv>) => namedDevice(c, instances);
  route({ method: 'GET', path: '/devices', summary: 'List devices', requirement: read, run: async (c) => ok(c, 'List devices', instances.list(c.get('principal')).map(deviceInfo)) });
  route({
    method: 'POST',
    path: '/devices',
    summary: 'Add a device (an instance of the default engine)',
    requirement: { need: 'permission', permission: 'manage', globalScope: true },
    fields: NewDevice,
    run: async (c) => {
      const b = await validParams(c, NewDevice);
      const actor = actorOf(c.get('principal'));
      const state = await instances.create({ ...(b.device_id ? { id: b.device_id } : {}) }, actor);
      if (b.webhook_url) {
        try {
          await applyGowaWebhook(c, settings, state.id, { ...b, webhook_url: b.webhook_url, webhook_insecure_skip_verify: false });
        } catch (err) {
          await instances.delete(state.id, actor); // nothing half-made: no device without the webhook it was asked with
          throw err;
        }
      }
      return ok(c, 'Device added', { ...deviceInfo(state), webhook_url: b.webhook_url ?? '' });
    },
  });
  route({ method: 'GET', path: '/devices/:device_id', summary: 'A device', requirement: read, run: async (c) => ok(c, 'Device info', deviceInfo(device(c))) });
  route({
    method: 'DELETE',
    path: '/devices/:device_id',
    summary: 'Remove a device with all its data',
    requirement: manage,
    run: async (c) => {
      const id = device(c).id;
      await instances.delete(id, actorOf(c.get('principal')));
      return ok(c, 'Device removed', { device_id: id });
    },
  });
  route({ method: 'GET', path: '/devices/:device_id/login', summary: 'Log a device in by QR code', requirement: manage, run: async (c) => ok(c, 'Login success', await login(device(c).id)) });
  route({
    method: 'POST',
    path: '/devices/:device_id/login/code',
    summary: 'Log a device in with a pairing code',
    requirement: manage,
    fields: LoginCode,
    run: async (c) => ok(c, 'Login with code success', await loginWithCode(c, device(c).id)),
  });
  route({
    method: 'POST',
    path: '/devices/:device_id/logout',
    summary: 'Log a device out',
    requirement: manage,
    run: async (c) => {
      const id = device(c).id;
      await instances.logout(id);
      return ok(c, 'Success logout', { device_id: id });
    },
  });
  route({
    method: 'POST',
    path: '/devices/:device_id/reconnect',
    summary: 'Reconnect a device',
    requirement: manage,
    run: async (c) => {
      const id = device(c).id;
      instances.restart(id);
      return ok(c, 'Reconnect success', { device_id: id });
    },
  });
  route({
    method: 'GET',
    path: '/devices/:device_id/status',
    summary: 'Whether a device is connected and logged in',
    requirement: read,
    run: async (c) => {
      const s = device(c);
      return ok(c, 'Device status', { device_id: s.id, is_connected: s.status === 'open', is_logged_in: s.status === 'open' });
    },
  });
}
