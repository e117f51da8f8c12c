import { z } from '@hono/zod-openapi';
import type { Services } from '../../http/deps.js';
import { validParams } from '../kit.js';
import { deviceOf } from './device.js';
import { ok } from './envelope.js';
import { required, userOf } from './params.js';
import { manage, type gowaRoutes } from './route.js';

const RejectCall = z.object({
  caller_jid: required('905321234567@s.whatsapp.net').openapi({ description: "The caller: the call.offer webhook's payload.from" }),
  call_id: required('ABC123DEF456').openapi({ description: "The call: the call.offer webhook's payload.call_id" }),
});

export interface CallRouteDeps {
  services: Pick<Services, 'instances' | 'calls'>;
}

/** /call/reject: declining a call that rings now. */
export function callRoutes(route: ReturnType<typeof gowaRoutes>, { services: { instances, calls } }: CallRouteDeps) {
  route({
    method: 'POST',
    path: '/call/reject',
    summary: 'Decline a ringing call (caller_jid and call_id from the call.offer webhook); 404 once it stopped ringing',
    requirement: manage,
    fields: RejectCall,
    run: async (c) => {
      const b = await validParams(c, RejectCall);
      await calls.reject(deviceOf(c, instances).id, b.call_id, userOf('caller_jid', b.caller_jid));
      return ok(c, 'Call rejected successfully');
    },
  });
}
