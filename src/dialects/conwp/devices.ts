import type { InstanceState } from '../../services/instances/instance-state.js';

/** `YYYY-MM-DD HH:MM:SS` (UTC), conwp's timestamp format. */
export function lastSeen(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * An instance as a conwp device. `token` is the instance id (name it in `device`); `status` is
 * `active` while connected, else `connecting` or `inactive`; Hatline does not know the phone's
 * platform or whether it is a business account here (null), and `last_seen` is now while connected.
 */
export function deviceOf(state: InstanceState) {
  const open = state.status === 'open';
  return {
    token: state.id,
    device_name: state.description || state.id,
    status: open ? 'active' : state.status === 'connecting' ? 'connecting' : 'inactive',
    wa_number: state.account?.phone ?? null,
    wa_name: state.account?.name ?? null,
    wa_platform: null,
    wa_is_business: null,
    last_seen: open ? lastSeen(Date.now()) : null,
  };
}
