import { sql, type Kysely } from 'kysely';
import { autoId, MS } from './dialect.js';

// Message templates, instance groups, and campaigns (bulk jobs with a name, a delay in
// milliseconds and variables per recipient). Numbered 013: 011 and 012 come from other branches.

/** What a fresh server starts with (deleted ones stay deleted: they are written here, once). */
const DEFAULT_TEMPLATES: { title: string; body: string; category: string; shortcut: string }[] = [
  { title: 'Welcome', body: 'Hello {name}, thank you for writing to us! How can we help you today?', category: 'Greetings', shortcut: '/welcome' },
  { title: 'Out of office', body: 'Hello {name}, we are closed right now. We will answer you as soon as we are back.', category: 'Greetings', shortcut: '/away' },
  { title: 'Order shipped', body: 'Hello {name}, your order {order} is on its way. Tracking number: {tracking}.', category: 'Orders', shortcut: '/shipped' },
  { title: 'Appointment reminder', body: 'Hello {name}, a reminder of your appointment on {date} at {time}. Reply to this message to change it.', category: 'Reminders', shortcut: '/reminder' },
  { title: 'Thank you', body: 'Thank you {name}! It was a pleasure to help you.', category: 'Greetings', shortcut: '/thanks' },
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('message_templates')
    .addColumn('id', ...autoId(db))
    // null: shared by every instance; otherwise the one instance it belongs to.
    .addColumn('instance_id', 'text', (c) => c.references('instances.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('shortcut', 'text')
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('updated_at', MS, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_templates_by_instance').on('message_templates').columns(['instance_id', 'id']).execute();
  const now = Date.now();
  await db
    .insertInto('message_templates')
    .values(DEFAULT_TEMPLATES.map((t) => ({ instance_id: null, ...t, created_at: now, updated_at: now })))
    .execute();

  await db.schema
    .createTable('instance_groups')
    .addColumn('id', ...autoId(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('created_at', MS, (c) => c.notNull())
    .addColumn('updated_at', MS, (c) => c.notNull())
    .execute();
  // A deleted group leaves its instances without a group.
  await db.schema
    .alterTable('instances')
    .addColumn('group_id', autoId(db)[0], (c) => c.references('instance_groups.id').onDelete('set null'))
    .execute();

  // A campaign is a bulk job with a name; both run on the same durable runner.
  await db.schema.alterTable('bulk_jobs').addColumn('name', 'text').execute();
  // Milliseconds between two recipients; null: `delay` (seconds) as before.
  await db.schema.alterTable('bulk_jobs').addColumn('delay_ms', 'integer').execute();
  await db.schema.alterTable('bulk_jobs').addColumn('template_id', autoId(db)[0]).execute();
  // JSON object of the recipient's own {variables}.
  await db.schema.alterTable('bulk_recipients').addColumn('vars', 'text').execute();
  await db.schema.createIndex('bulk_jobs_campaigns').on('bulk_jobs').columns(['id']).where(sql.ref('name'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('bulk_jobs_campaigns').execute();
  await db.schema.alterTable('bulk_recipients').dropColumn('vars').execute();
  await db.schema.alterTable('bulk_jobs').dropColumn('template_id').execute();
  await db.schema.alterTable('bulk_jobs').dropColumn('delay_ms').execute();
  await db.schema.alterTable('bulk_jobs').dropColumn('name').execute();
  await db.schema.alterTable('instances').dropColumn('group_id').execute();
  await db.schema.dropTable('instance_groups').execute();
  await db.schema.dropTable('message_templates').execute();
}
