/** A user, LID or group id as whatsapp-web.js hands it out (a Wid crossed from the page). */

/** `{ user: '905...', server: 'c.us', _serialized: '905...@c.us' }` */
export interface LibId {
  user: string;
  server: string;
  _serialized: string;
}
