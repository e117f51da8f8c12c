import { SandboxNetwork } from '../src/engines/sandbox/network.js';
import { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { engineContract } from './support/engine-contract.js';
import { RecordingListener } from './support/recorder.js';

// One network for the whole file, as one server has one.
const network = new SandboxNetwork({ stateFile: null });

engineContract('sandbox', async (sessionDir, instanceId) => {
  const events = new RecordingListener();
  const engine = new SandboxEngine({ instanceId, sessionDir, emit: events.emit }, network);
  return {
    engine,
    events,
    link: async () => {
      engine.controls.scan();
    },
    receive: async (fromPhone, body) => {
      engine.controls.incoming({ from: fromPhone, body });
    },
    receipt: async (messageId, _to, status) => {
      engine.controls.ack(messageId, status);
    },
    makeGroup: async (name, members) => engine.controls.createGroup(name, members).id,
    close: async () => {
      await engine.dispose();
    },
  };
});
