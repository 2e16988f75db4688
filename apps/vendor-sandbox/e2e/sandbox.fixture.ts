/* The sandbox fixture moved to libs/testing (src/sandbox) so libraries' and services' e2e suites share it. */
export {
  launchChromium,
  outboxTo,
  startSandbox,
  totpCode,
  userOf,
  type LoginCounts,
  type LoginsReport,
  type OutboxMessage,
  type PortalHandle,
  type RunningSandbox,
  type SandboxUser,
} from '@fieldsync/testing';
