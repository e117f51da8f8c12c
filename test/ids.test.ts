import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../src/errors.js';
import { chatIdOrThrow, groupIdOrThrow, phoneUserIdOrThrow, toChatId, userIdOrThrow } from '../src/ids.js';

test('what a client writes becomes a chat id: phone numbers, user ids, the library\'s @c.us, groups and LIDs', () => {
  assert.is(toChatId('+90 532 123 45 67'), '905321234567@s.whatsapp.net');
  assert.is(toChatId('905321234567@c.us'), '905321234567@s.whatsapp.net');
  assert.is(toChatId('905321234567:12@s.whatsapp.net'), '905321234567@s.whatsapp.net');
  assert.is(toChatId('120363000000000001@g.us'), '120363000000000001@g.us');
  assert.is(toChatId('200000000000005@lid'), '200000000000005@lid', 'a person who hides their number');
  assert.is(toChatId('abc@lid'), null);
  assert.is(toChatId('hello'), null);
  assert.is(chatIdOrThrow('to', '200000000000005@lid'), '200000000000005@lid');
});

test('a LID is a person for every operation but a number check, which needs the phone number it hides', () => {
  assert.is(userIdOrThrow('chatId', '200000000000005@lid'), '200000000000005@lid');
  assert.throws(() => phoneUserIdOrThrow('chatId', '200000000000005@lid'), (err: unknown) => err instanceof AppError && err.code === 'bad_request' && /is a LID, which hides the phone number/.test(err.message));
  assert.is(phoneUserIdOrThrow('chatId', '905321234567'), '905321234567@s.whatsapp.net');
  assert.throws(() => userIdOrThrow('chatId', '120363000000000001@g.us'), /is a group/);
  assert.throws(() => groupIdOrThrow('groupId', '200000000000005@lid'), /is not a group id/);
});

test.run();
