/** The fake whatsapp-web.js Client and what it hands out (see fake-wwebjs/). */
export { FakeGroupChat } from './fake-wwebjs/group.js';
export { fakeClientFactory, FakeWwebjsClient, type FakeBehaviour, type SentRecord } from './fake-wwebjs/client.js';
export {
  BLOCK_REMOVED,
  FakeBrowser,
  FakeChat,
  FakeContact,
  FakeMessage,
  MEDIA_ID,
  MEDIA_TYPE,
  R_R,
  WEB_VERSIONS,
  type FakeLibrary,
  type FakeShape,
  type FakeWorld,
} from './fake-wwebjs/model.js';
