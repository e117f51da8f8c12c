import type { Migration } from 'kysely';
import * as m001 from './001_initial.js';
import * as m002 from './002_webhooks.js';
import * as m003 from './003_chats.js';
import * as m004 from './004_automation.js';
import * as m005 from './005_message_counts.js';
import * as m006 from './006_chats_contacts_groups.js';
import * as m007 from './007_access.js';
import * as m008 from './008_capabilities.js';
import * as m009 from './009_url_trust.js';
import * as m010 from './010_event_log.js';
import * as m011 from './011_webhook_format.js';
import * as m012 from './012_evolution.js';
import * as m013 from './013_wafixer.js';
import * as m014 from './014_analytics.js';
import * as m015 from './015_cluster.js';

/**
 * Every migration, in order. Listed here rather than read from the folder so that the
 * compiled server and the tests (run from TypeScript) find exactly the same set.
 */
export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_webhooks': m002,
  '003_chats': m003,
  '004_automation': m004,
  '005_message_counts': m005,
  '006_chats_contacts_groups': m006,
  '007_access': m007,
  '008_capabilities': m008,
  '009_url_trust': m009,
  '010_event_log': m010,
  '011_webhook_format': m011,
  '012_evolution': m012,
  '013_wafixer': m013,
  '014_analytics': m014,
  '015_cluster': m015,
};
