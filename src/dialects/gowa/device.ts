import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { InstanceService } from '../../services/instances/instance-service.js';
import type { InstanceState } from '../../services/instances/instance-state.js';
import type { GowaDetail } from './envelope.js';

/** An AppError with a GoWA code of its own. */
export class GowaError extends AppError implements GowaDetail {
  constructor(
    code: AppError['code'],
    readonly gowaCode: string,
    message: string,
    readonly results?: unknown,
  ) {
    super(code, message);
  }
}

/**
 * The device (our instance) a GoWA request is for: `X-Device-Id` (trimmed, URL-decoded), else
 * `?device_id=`, matched by instance id or by the account's JID; with neither, the only instance the
 * key sees. Outside the key's scope an instance does not exist (DEVICE_NOT_FOUND, as unknown).
 */
export function deviceOf(c: Context<AppEnv>, instances: Pick<InstanceService, 'list'>): InstanceState {
  const principal = c.get('principal');
  let wanted = c.req.header('x-device-id')?.trim() || c.req.query('device_id')?.trim() || '';
  try {
    wanted = decodeURIComponent(wanted);
  } catch {
    // not URL-encoded: as given
  }
  const visible = instances.list(principal);
  if (!wanted) {
    if (visible.length === 1) return visible[0]!;
    throw new GowaError('bad_request', 'DEVICE_ID_REQUIRED', 'device_id is required via X-Device-Id header or device_id query');
  }
  const bare = wanted.replace(/:\d+(?=@)/, ''); // an AD-JID (user:device@server) names its account
  const found = visible.find((s) => s.id === wanted) ?? visible.find((s) => s.account && (s.account.id === bare || s.account.phone === bare.split('@')[0]));
  if (!found) {
    throw new GowaError('not_found', 'DEVICE_NOT_FOUND', 'device not found; create a device first from /devices or provide a valid X-Device-Id', { device_id: wanted });
  }
  return found;
}

/** The device a `/devices/{device_id}/...` path names: DEVICE_NOT_FOUND when unknown or outside the key's scope. */
export function namedDevice(c: Context<AppEnv>, instances: Pick<InstanceService, 'get'>): InstanceState {
  const id = c.req.param('device_id') ?? '';
  try {
    return instances.get(id, c.get('principal'));
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw new GowaError('not_found', 'DEVICE_NOT_FOUND', `device ${id} not found`, { device_id: id });
    throw err;
  }
}
