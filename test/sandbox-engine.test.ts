import { SandboxNetwork } from '../src/engines/sandbox/network.js';
import { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { engineContract } from './support/engine-contract.js';
import { RecordingListener } from './support/recorder.js';

// One network for the whole file, as one server has one.
const network = new SandboxNetwork(null);

engineContract('sandbox', async (sessionDir, instanceId) => {
  const events = new RecordingListener();
  const engine = new SandboxEngine({ instanceId, sessionDir, listener: events }, network);
  return {
    engine,
    events,
    link: async () => {
      engine.scan();
    },
    receive: async (fromPhone, body) => {
      engine.incoming({ from: fromPhone, body });
    },
    receipt: async (messageId, _to, status) => {
      engine.simulateAck(messageId, status);
    },
    makeGroup: async (name, members) => engine.createGroup(name, members).id,
    close: async () => {
      await engine.dispose();
    },
  };
});
