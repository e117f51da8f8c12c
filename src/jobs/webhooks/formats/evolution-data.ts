import { createHash } from 'node:crypto';
import type { EvolutionEmitted } from '../../../services/evolution/events.js';
import { evolutionStatus, keyOf, type MessageFacts } from '../../../services/evolution/message-shape.js';
import type { HatlineEvent } from '../../../services/events.js';

/** One Evolution event made of a Hatline event: its id (for the subscription) and its `data`. */
export interface EvolutionEvent {
  id: EvolutionEmitted;
  data: unknown;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The data of the events that need no stored message: everything but messages.upsert and send.message. */
export function evolutionEventsOf(instanceId: string, e: HatlineEvent): EvolutionEvent[] {
  switch (e.event) {
    case 'message_ack': {
      const d = e.data;
      // `sent` is send.message (made from the stored message by the caller); the rest are updates.
      if (d.status === 'sent') return [];
      return [{ id: 'MESSAGES_UPDATE', data: { messageId: d.id, keyId: d.id, remoteJid: d.chatId, fromMe: true, participant: null, status: evolutionStatus(d.status), instanceId } }];
    }
    case 'connection_status': {
      const d = e.data;
      const state = d.status === 'connected' ? 'open' : d.status === 'connecting' ? 'connecting' : 'close';
      return [
        {
          id: 'CONNECTION_UPDATE',
          data: {
            instance: instanceId,
            ...(d.account ? { wuid: d.account.id, profileName: d.account.name, profilePictureUrl: null } : {}),
            state,
            // Baileys' codes: 200 while fine, 428 (connection closed) when not.
            statusReason: state === 'close' ? 428 : 200,
            ...(d.error ? { error: d.error } : {}),
          },
        },
      ];
    }
    case 'message_edited': {
      const d = e.data;
      const key = keyOf({ id: d.id, chatId: d.chatId, from: d.from, fromMe: d.fromMe });
      return [{ id: 'MESSAGES_EDITED', data: { key, message: { conversation: d.body }, messageType: 'conversation', messageTimestamp: d.timestamp, previousBody: d.previousBody, instanceId } }];
    }
    case 'message_revoked': {
      const d = e.data;
      return [{ id: 'MESSAGES_DELETE', data: { ...keyOf({ id: d.id, chatId: d.chatId, from: d.from, fromMe: d.fromMe }), instanceId } }];
    }
    case 'message_reaction': {
      const d = e.data;
      // WhatsApp does not tell a linked device the id of a reaction: this one is made from what it is.
      const id = `HLR${createHash('sha256').update(`${instanceId}\0${d.id}\0${d.from}\0${d.emoji}\0${d.timestamp}`).digest('hex').slice(0, 20).toUpperCase()}`;
      return [
        {
          id: 'MESSAGES_UPSERT',
          data: {
            key: keyOf({ id, chatId: d.chatId, from: d.from, fromMe: d.fromMe }),
            pushName: '',
            status: evolutionStatus(d.fromMe ? 'sent' : 'received'),
            message: { reactionMessage: { key: { remoteJid: d.chatId, id: d.id }, text: d.emoji, senderTimestampMs: d.timestamp * 1000 } },
            contextInfo: null,
            messageType: 'reactionMessage',
            messageTimestamp: d.timestamp,
            instanceId,
            source: d.fromMe ? 'web' : 'unknown',
          },
        },
      ];
    }
    case 'poll_vote': {
      const d = e.data;
      return [
        {
          id: 'MESSAGES_UPDATE',
          data: {
            messageId: d.pollId,
            keyId: d.pollId,
            remoteJid: d.chatId,
            fromMe: true,
            participant: d.voter,
            status: 'READ',
            pollUpdates: d.selected.map((name) => ({ name, voters: [d.voter] })),
            instanceId,
          },
        },
      ];
    }
    case 'group_update': {
      const d = e.data;
      const members: Record<string, string> = { join: 'add', leave: 'remove', promote: 'promote', demote: 'demote' };
      if (members[d.action]) {
        return [{ id: 'GROUP_PARTICIPANTS_UPDATE', data: { id: d.groupId, author: d.actor, participants: d.participants, action: members[d.action] } }];
      }
      const field: Record<string, string> = { subject: 'subject', description: 'desc', announce: 'announce', locked: 'restrict', picture: 'pictureUrl' };
      return [{ id: 'GROUP_UPDATE', data: [{ id: d.groupId, author: d.actor, [field[d.action] ?? d.action]: d.value ?? null }] }];
    }
    case 'presence_update': {
      const d = e.data;
      return [{ id: 'PRESENCE_UPDATE', data: { id: d.chatId, presences: { [d.from]: { lastKnownPresence: d.state, ...(d.lastSeen ? { lastSeen: d.lastSeen } : {}) } } } }];
    }
    case 'call': {
      const d = e.data;
      const status = d.status === 'rejected' ? 'reject' : d.status === 'ended' ? 'timeout' : 'offer';
      return [{ id: 'CALL', data: { id: d.id, chatId: d.from, from: d.from, isVideo: d.isVideo, isGroup: d.isGroup, status, date: iso(d.timestamp), offline: false } }];
    }
    case 'message_received':
      return [];
  }
}

/** The facts of a received message, as its event carries them. */
export function factsOfReceived(e: Extract<HatlineEvent, { event: 'message_received' }>): MessageFacts {
  const d = e.data;
  const media = d.media as MessageFacts['media'] | undefined;
  return {
    id: d.id,
    chatId: d.chatId,
    from: d.from,
    fromMe: false,
    type: d.type,
    body: d.body,
    status: 'received',
    timestamp: d.timestamp,
    ...(typeof d.senderName === 'string' ? { senderName: d.senderName } : {}),
    ...(media ? { media } : {}),
    ...(d.location ? { location: d.location as MessageFacts['location'] & object } : {}),
    ...(d.poll ? { poll: d.poll as MessageFacts['poll'] & object } : {}),
    ...(typeof d.vcard === 'string' ? { vcard: d.vcard } : {}),
    ...(typeof d.quotedMessageId === 'string' ? { quotedMessageId: d.quotedMessageId } : {}),
    ...(Array.isArray(d.mentions) ? { mentions: d.mentions as string[] } : {}),
  };
}
