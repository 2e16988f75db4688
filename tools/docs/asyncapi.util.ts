import { changeEventSchema, commandResultSchema, commandSchema } from '@fieldsync/canonical-model';
import { z } from 'zod';

type JsonObject = Record<string, unknown>;

/** A JSON Schema (2020-12) of a zod schema, without `$schema`. */
function jsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

const schemaFormat = 'application/schema+json;version=draft-2020-12';

/**
 * The AsyncAPI 3.0 document of fieldsync's NATS subjects (DESIGN "Subjects and streams"): change events,
 * commands and results, their payloads generated from the canonical model's zod schemas (the same ones
 * the services parse with). Published as docs/asyncapi.json (`npm run docs:asyncapi -- --write`).
 */
export function renderAsyncApi(): JsonObject {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'fieldsync NATS API',
      version: '1.0.0',
      description:
        'Change events (FSM_EVENTS), commands (FSM_COMMANDS) and their results (FSM_RESULTS) on NATS JetStream. Every publish carries Nats-Msg-Id (the event or command id). FIELDSYNC_STREAM_PREFIX=p prefixes every subject with `p.`.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: 'localhost:4222', protocol: 'nats', description: 'NATS 2.9+ with JetStream' },
    },
    channels: {
      events: {
        address: 'fsm.events.{tenant}.{vendor}.{entity}.{action}',
        description:
          'FSM_EVENTS (limits retention): one CloudEvents 1.0 document per change, in per-connection sequence order.',
        parameters: {
          tenant: { description: 'Tenant id' },
          vendor: { description: 'Vendor token (`fieldsync` for platform events)' },
          entity: { description: 'Entity type (job, invoice …)' },
          action: { description: 'created, updated, deleted, status_changed …' },
        },
        messages: { changeEvent: { $ref: '#/components/messages/changeEvent' } },
      },
      commands: {
        address: 'fsm.commands.{tenant}.{connection}.{type}',
        description: 'FSM_COMMANDS (work queue): a write for the writer; Nats-Msg-Id = commandId.',
        parameters: {
          tenant: { description: 'Tenant id' },
          connection: { description: 'Connection id' },
          type: { description: 'Command type; a type such as job.status.update keeps its dots' },
        },
        messages: { command: { $ref: '#/components/messages/command' } },
      },
      results: {
        address: 'fsm.results.{tenant}.{commandId}',
        description:
          'FSM_RESULTS (limits retention): the outcome of each command; Nats-Msg-Id = result-<commandId>.',
        parameters: { tenant: { description: 'Tenant id' }, commandId: { description: 'cmd_<ULID>' } },
        messages: { result: { $ref: '#/components/messages/result' } },
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/events' },
        summary: 'Subscribe to change events (resume by sequence or stream position)',
      },
      sendCommand: {
        action: 'send',
        channel: { $ref: '#/channels/commands' },
        summary: 'Send a command (same operation as the REST writes)',
      },
      receiveResult: {
        action: 'receive',
        channel: { $ref: '#/channels/results' },
        summary: 'Wait for a command’s result',
      },
    },
    components: {
      messages: {
        changeEvent: {
          name: 'ChangeEvent',
          contentType: 'application/json',
          payload: { schemaFormat, schema: jsonSchema(changeEventSchema) },
        },
        command: {
          name: 'Command',
          contentType: 'application/json',
          payload: { schemaFormat, schema: jsonSchema(commandSchema) },
        },
        result: {
          name: 'CommandResult',
          contentType: 'application/json',
          payload: { schemaFormat, schema: jsonSchema(commandResultSchema) },
        },
      },
    },
  };
}

/** The published file's text. */
export function asyncApiText(): string {
  return `${JSON.stringify(renderAsyncApi(), null, 2)}\n`;
}
