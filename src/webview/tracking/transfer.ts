/** Which buffers of a worker message are transferred (moved, not copied) by postMessage. */
import type { FromWorkerMessage, ToWorkerMessage } from '../../protocol/workerMessages';

/** The ArrayBuffers of a message, to transfer rather than copy. */
export function transferOf(message: ToWorkerMessage | FromWorkerMessage): ArrayBuffer[] {
  switch (message.type) {
    case 'init':
      return [message.wasmBinary];
    case 'loadModel':
      return Object.values(message.files);
    case 'setVolume':
      return message.buffer ? [message.buffer] : [];
    case 'frame':
      return [message.mask];
    default:
      return [];
  }
}
