// The inbox's live feed: GET /api/events (server-sent events) for one instance. EventSource
// reconnects by itself after a dropped connection and resumes with Last-Event-ID, so nothing that
// happened meanwhile is lost; when the browser gives up (the server refused the stream), the feed
// opens it again with ?since= the last event it had.
import { query, token } from '../api.js';

export const EVENT_NAMES = [
  'message_received',
  'message_ack',
  'connection_status',
  'message_edited',
  'message_revoked',
  'message_reaction',
  'poll_vote',
  'group_update',
  'presence_update',
  'call',
];

/**
 * opts: { instanceId, onEvent(e), onReady(first), onResync(), onState('live' | 'reconnecting'),
 * mayRetry(): Promise<boolean> } — onReady(true) once the feed is live the first time (load then:
 * nothing from then on is missed); onResync() when a resumed feed may have missed something (a
 * `gap`, or a reconnect before any event came, which has no id to resume from).
 */
export function liveEvents(opts) {
  let source = null;
  let lastId = null; // of the last event applied; resuming starts after it
  let sawEvent = false;
  let readyOnce = false;
  let stopped = false;
  let timer = null;

  function open() {
    source = new EventSource(`api/events${query({ instanceId: opts.instanceId, since: lastId ?? undefined, token: token.get() })}`);
    source.addEventListener('ready', (e) => {
      const { after } = JSON.parse(e.data);
      opts.onState('live');
      const first = !readyOnce;
      readyOnce = true;
      if (lastId === null) lastId = String(after);
      if (first) opts.onReady();
      else if (!sawEvent) opts.onResync(); // the browser had no Last-Event-ID to send
    });
    source.addEventListener('gap', () => opts.onResync());
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        lastId = e.lastEventId || lastId;
        sawEvent = true;
        let parsed;
        try {
          parsed = JSON.parse(e.data);
        } catch {
          return;
        }
        opts.onEvent(parsed);
      });
    }
    source.addEventListener('error', () => {
      if (stopped) return;
      opts.onState('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      source.close();
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (stopped) return;
        if (await opts.mayRetry().catch(() => true)) open();
      }, 3000);
    });
  }

  open();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    },
  };
}
