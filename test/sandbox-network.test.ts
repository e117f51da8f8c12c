import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineEvent, EngineGroup } from '../src/engines/engine.js';
import { SandboxNetwork, type SandboxPeer } from '../src/engines/sandbox/network.js';

const A = '905550070001';
const C = '905550070003';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A linked, online phone that keeps what the network tells it. */
function phone(network: SandboxNetwork, number: string): { told: EngineEvent[] } {
  const told: EngineEvent[] = [];
  const peer: SandboxPeer = {
    instanceId: `i${number}`,
    linkedPhone: () => number,
    isOnline: () => true,
    deliver: () => true,
    receipt: () => {},
    notify: (event) => void told.push(event),
    peerProfile: () => null,
  };
  network.register(peer);
  return { told };
}

const synced = (told: EngineEvent[], id: string): EngineGroup[] =>
  told.flatMap((e) => (e.type === 'group_upsert' ? e.groups.filter((g) => g.id === id) : []));
const changes = (told: EngineEvent[]) => told.flatMap((e) => (e.type === 'group_change' ? [e.change.action] : []));

const t = suite('sandbox network: group metadata');

t('a join syncs the group to the new member after its news; left before that arrives, the sync brings nothing back', async () => {
  const network = new SandboxNetwork({ stateFile: null });
  try {
    const a = phone(network, A);
    const c = phone(network, C);
    const stays = network.groups.create(A, 'Kalıcı', []);
    network.groups.joinById(stays.id, C);
    await later(300);
    assert.equal(changes(c.told), ['join']);
    assert.equal(synced(c.told, stays.id).map((g) => g.participants.map((p) => p.id)), [[jid(A), jid(C)]], 'a member that stays gets the group');

    c.told.length = 0;
    a.told.length = 0;
    const left = network.groups.create(A, 'Geçici', []);
    network.groups.joinById(left.id, C);
    network.groups.leave(C, left.id); // before the join's news and sync reached C
    await later(300);
    assert.equal(changes(c.told), ['join', 'leave'], 'C hears both, in order');
    assert.equal(synced(c.told, left.id), [], 'no sync of a group C is no longer in');
    const toA = synced(a.told, left.id);
    assert.ok(toA.length > 0, 'A, still in it, is synced');
    assert.ok(
      toA.every((g) => !g.participants.some((p) => p.id === jid(C))),
      'as the group is when the sync arrives (without C), not as it was when it set off',
    );
  } finally {
    network.close();
  }
});

t.run();
