import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineMessage } from '../src/engines/engine.js';
import { incomingRow } from '../src/services/messages/rows.js';

const base: EngineMessage = { id: 'M1', chatId: '905550001111@s.whatsapp.net', from: '905550001111@s.whatsapp.net', to: '905550002222@s.whatsapp.net', fromMe: false, kind: 'image', body: 'Fatura ekte', timestamp: 1_700_000_000 };

test('an incoming image keeps its caption, with its file or without it (a download that failed)', () => {
  const withFile = incomingRow('a', { ...base, media: { mimetype: 'image/png', data: Buffer.from('x') } });
  assert.equal([withFile.caption, withFile.media_mimetype], ['Fatura ekte', 'image/png']);
  const withoutFile = incomingRow('a', base);
  assert.equal([withoutFile.type, withoutFile.body, withoutFile.caption, withoutFile.media_mimetype], ['image', 'Fatura ekte', 'Fatura ekte', null]);
});

test('a text message has no caption, and a voice note without text has none either', () => {
  assert.is(incomingRow('a', { ...base, kind: 'chat', body: 'Merhaba' }).caption, null);
  assert.is(incomingRow('a', { ...base, kind: 'ptt', body: '' }).caption, null);
});

test.run();
