import type { JsMsg } from '@nats-io/jetstream';

/**
 * Tells the server the message is still being worked on (`working()`) every ackWait × fraction, so a
 * handler slower than ackWait is not redelivered under it. Clear the returned timer when it is done.
 */
export function startAckHeartbeat(msg: JsMsg, ackWaitMs: number, fraction: number): NodeJS.Timeout {
  const every = Math.max(50, Math.floor(ackWaitMs * fraction));
  return setInterval(() => {
    try {
      msg.working();
    } catch {
      // connection gone: the message will be redelivered
    }
  }, every);
}
