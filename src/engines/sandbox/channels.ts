import type { Newsletter } from '../engine.js';

/** A channel of the simulated network. */
export interface SandboxChannel {
  id: string;
  /** Its invite code: `https://whatsapp.com/channel/<code>`. */
  code: string;
  name: string;
  description: string;
  /** Followers from outside the sandbox instances. */
  baseSubscribers: number;
}

/** The channels the sandbox network holds, to follow and unfollow (README: Sandbox controls). */
export const SANDBOX_CHANNELS: readonly SandboxChannel[] = [
  {
    id: '120363400000000001@newsletter',
    code: '0029VaHatlineNews01',
    name: 'Hatline News',
    description: 'Releases and notes of the Hatline project',
    baseSubscribers: 1250,
  },
  {
    id: '120363400000000002@newsletter',
    code: '0029VaIstanbulTrafik',
    name: 'İstanbul Trafik',
    description: 'Yol durumu, her sabah',
    baseSubscribers: 48210,
  },
  {
    id: '120363400000000003@newsletter',
    code: '0029VaSandboxWeather',
    name: 'Sandbox Weather',
    description: 'It is always sunny in the sandbox',
    baseSubscribers: 7,
  },
];

/** A channel by id or invite code. */
export function findChannel(idOrCode: string): SandboxChannel | undefined {
  return SANDBOX_CHANNELS.find((c) => c.id === idOrCode || c.code === idOrCode);
}

export function channelView(channel: SandboxChannel, followers: number, following: boolean): Newsletter {
  return {
    id: channel.id,
    name: channel.name,
    description: channel.description,
    subscribers: channel.baseSubscribers + followers,
    role: following ? 'subscriber' : null,
  };
}
