import { mediaUrl } from '../../media/paths.js';
import type { MessageRow } from '../../storage/schema.js';

/** A stored message as the API shows it (history, chat messages, webhooks). */
export interface MessageView {
  id: string;
  chatId: string;
  from: string;
  to: string;
  fromMe: boolean;
  type: string;
  body: string;
  caption?: string;
  status: string;
  timestamp: number;
  senderName?: string;
  error?: string;
  media?: { url: string; mimetype: string; filename: string | null; size: number | null };
  location?: { lat: number; lng: number; name?: string; address?: string };
  poll?: { name: string; values: string[]; selectableCount: number };
  vcard?: string;
}

export function rowToMessage(row: MessageRow, publicUrl: string): MessageView {
  const view: MessageView = {
    id: row.id,
    chatId: row.chat_id,
    from: row.from_jid,
    to: row.to_jid,
    fromMe: row.from_me === 1,
    type: row.type,
    body: row.body ?? '',
    status: row.status,
    timestamp: row.timestamp,
  };
  if (row.caption !== null) view.caption = row.caption;
  if (row.sender_name) view.senderName = row.sender_name;
  if (row.error) view.error = row.error;
  if (row.media_file) {
    view.media = {
      url: mediaUrl(publicUrl, row.instance_id, row.media_file),
      mimetype: row.media_mimetype ?? 'application/octet-stream',
      filename: row.media_filename,
      size: row.media_size,
    };
  }
  if (row.extra) {
    try {
      const extra = JSON.parse(row.extra) as Pick<MessageView, 'location' | 'poll' | 'vcard'>;
      if (extra.location) view.location = extra.location;
      if (extra.poll) view.poll = extra.poll;
      if (extra.vcard) view.vcard = extra.vcard;
    } catch {
      // a damaged extra column must not break the history
    }
  }
  return view;
}
