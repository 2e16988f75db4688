/** Header names carried on every fieldsync NATS message (one list; nothing else spells them). */
export const MessagingHeaders = {
  /** JetStream de-duplication key (event id / command id). */
  MsgId: 'Nats-Msg-Id',
  /** Server-side check that a publish lands on the expected stream. */
  ExpectedStream: 'Nats-Expected-Stream',
  CorrelationId: 'fsm-correlation-id',
  /** W3C trace context. */
  Traceparent: 'traceparent',
  Tracestate: 'tracestate',
  TenantId: 'fsm-tenant-id',
  ConnectionId: 'fsm-connection-id',
  EventId: 'fsm-event-id',
  CommandId: 'fsm-command-id',
  ContentType: 'content-type',
  /** Set on messages republished to FSM_DLQ. */
  DlqReason: 'fsm-dlq-reason',
  DlqStream: 'fsm-dlq-stream',
  DlqSeq: 'fsm-dlq-seq',
  DlqDeliveries: 'fsm-dlq-deliveries',
  DlqConsumer: 'fsm-dlq-consumer',
  DlqSubject: 'fsm-dlq-subject',
  DlqService: 'fsm-dlq-service',
  DlqFailedAt: 'fsm-dlq-failed-at',
  /** The original Nats-Msg-Id (the DLQ copy gets its own, per consumer and sequence). */
  DlqOriginalMsgId: 'fsm-dlq-original-msg-id',
} as const;
export type MessagingHeader = (typeof MessagingHeaders)[keyof typeof MessagingHeaders];

/** The four streams of the public contract (DESIGN.md "Subjects and streams"), without prefix. */
export const StreamKinds = ['events', 'commands', 'results', 'dlq'] as const;
export type StreamKind = (typeof StreamKinds)[number];

export const BaseStreamNames: Readonly<Record<StreamKind, string>> = {
  events: 'FSM_EVENTS',
  commands: 'FSM_COMMANDS',
  results: 'FSM_RESULTS',
  dlq: 'FSM_DLQ',
};

/** Root token of every fieldsync subject. */
export const SUBJECT_ROOT = 'fsm';

/** NATS limits (nats-concepts/subjects.md). */
export const MAX_SUBJECT_TOKENS = 16;
export const MAX_SUBJECT_LENGTH = 255;

export const JSON_CONTENT_TYPE = 'application/json';

/** Injection token of the service's NATS connection (NatsModule: opened at boot, drained at shutdown). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
