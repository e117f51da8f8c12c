import { z } from '@hono/zod-openapi';
import { ENGINE_NAMES } from '../../engines/registry.js';
import type { DeafnessNote, InstanceState } from '../../services/instances/instance-state.js';

export const StatusWord = z.enum(['open', 'connecting', 'disconnected']);

export const AccountStatusSchema = z
  .object({
    accountStatus: z.object({
      status: StatusWord,
      error: z.string().optional().openapi({ description: 'Why the instance is not open, when known' }),
      pairingCode: z.string().optional().openapi({ description: 'The code to enter on the phone while pairing by number' }),
      webVersion: z
        .string()
        .optional()
        .openapi({ example: '2.3000.1043220887', description: 'Hatline addition: the WhatsApp Web build the session last ran (real engine)' }),
      timelockUntil: z
        .string()
        .optional()
        .openapi({ description: "Hatline addition: WhatsApp's reach-out timelock (463) refuses messages to new contacts until then (ISO time)" }),
      lastDeafness: z
        .object({
          reason: z.enum(['events_stalled', 'bridge_down']).openapi({
            description: 'events_stalled: the phone holds messages Hatline was never told of; bridge_down: the engine says its event path is broken',
          }),
          detail: z.string(),
          detectedAt: z.string().openapi({ description: 'ISO time' }),
          recoveredAt: z.string().optional().openapi({ description: 'ISO time the instance was open again after the reconnect; absent while it reconnects' }),
        })
        .optional()
        .openapi({ description: 'Hatline addition: the last time liveness found the instance open but deaf (since the server started), reconnected it and fetched what it missed' }),
    }),
  })
  .openapi('AccountStatus');

export const AccountSchema = z
  .object({
    id: z.string().openapi({ example: '905321234567@s.whatsapp.net' }),
    name: z.string().openapi({ example: 'Ahmet' }),
    phone: z.string().openapi({ example: '905321234567' }),
  })
  .openapi('Account');

export const InstanceListSchema = z
  .object({
    instances: z.array(z.string()).openapi({ example: ['default', 'inst_a1b2c3d4'] }),
    statuses: z.record(z.string(), AccountStatusSchema),
    details: z
      .record(
        z.string(),
        z.object({
          description: z.string(),
          engine: z.string(),
          createdAt: z.number(),
          account: AccountSchema.nullable(),
          groupId: z.number().nullable().openapi({ description: 'The instance group it is filed under (PATCH /api/instance/{id})' }),
        }),
      )
      .openapi({ description: 'Hatline addition: description, engine, account and group of each instance' }),
  })
  .openapi('InstanceList');

export const CreateInstanceBody = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of letters, digits, "_" or "-"')
      .optional()
      .openapi({ example: 'default', description: 'Left out: inst_xxxxxxxx is generated' }),
    description: z.string().max(500).optional().openapi({ example: 'İş Hattı' }),
    engine: z.enum(ENGINE_NAMES).optional().openapi({ description: 'Defaults to DEFAULT_ENGINE; GET /api/engines lists them' }),
  })
  .openapi('CreateInstance');

export const ConnectBody = z
  .object({
    phone: z
      .string()
      .optional()
      .openapi({ example: '905321234567', description: 'Pair by phone number instead of a QR: the answer carries the pairing code' }),
  })
  .openapi('Connect');

/** The seed's `{ accountStatus: { status } }`, with why it is not open and a pairing code when there are. */
export function statusBody(state: InstanceState) {
  return {
    accountStatus: {
      status: state.status,
      ...(state.error ? { error: state.error } : {}),
      ...(state.pairingCode ? { pairingCode: state.pairingCode } : {}),
      ...(state.webVersion ? { webVersion: state.webVersion } : {}),
      ...(state.timelockUntil ? { timelockUntil: new Date(state.timelockUntil).toISOString() } : {}),
      ...(state.lastDeafness ? { lastDeafness: deafnessView(state.lastDeafness) } : {}),
    },
  };
}

function deafnessView(note: DeafnessNote) {
  return {
    reason: note.reason,
    detail: note.detail,
    detectedAt: new Date(note.detectedAt).toISOString(),
    ...(note.recoveredAt !== null ? { recoveredAt: new Date(note.recoveredAt).toISOString() } : {}),
  };
}
