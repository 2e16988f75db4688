import { commandPayloadSchemas, type CommandType, type EntityType } from '@fieldsync/canonical-model';
import type { Connector, ConnectorDescriptor } from '../contract/connector.types';
import { payloadPaths } from '../write/payload-paths.util';
import type { CommandWrite } from '../write/write-side.types';

/**
 * Every way a connector's descriptor and the code behind it disagree, as messages naming the part
 * (empty when they agree):
 *  - the auth flow, read side and write side are the descriptor's vendor's;
 *  - the declared streams are exactly the read side's, each named once, with a positive interval;
 *  - every declared entity is yielded by a stream, and every entity a stream yields is declared;
 *  - no entity is reconciled by two streams (each would tombstone what only the other sees);
 *  - the declared commands are exactly the write side's writes, each write under its own command, with
 *    the fields the descriptor lists, every one a real field of the command's payload.
 */
export function capabilityProblems(connector: Connector, descriptor: ConnectorDescriptor): string[] {
  const problems: string[] = [];
  const { vendor, capabilities } = descriptor;
  const { readSide, writeSide, authFlows } = connector;
  if (readSide.vendor !== vendor) problems.push(`readSide is ${readSide.vendor}'s`);
  if (writeSide.vendor !== vendor) problems.push(`writeSide is ${writeSide.vendor}'s`);
  const flow = authFlows.create();
  if (flow.vendor !== vendor) problems.push(`authFlows.create() makes ${flow.vendor}'s flow`);

  const streamNames = readSide.streams.map((s) => s.stream);
  const seen = new Set<string>();
  for (const name of streamNames) {
    if (seen.has(name)) problems.push(`stream ${name} is declared twice by the read side`);
    seen.add(name);
  }
  for (const name of capabilities.streams) {
    if (!seen.has(name)) problems.push(`stream ${name} is declared but the read side has no reader for it`);
  }
  for (const name of streamNames) {
    if (!capabilities.streams.includes(name)) problems.push(`stream ${name} is read but not declared`);
  }
  const yielded = new Set<EntityType>();
  const reconciled = new Map<EntityType, string>();
  for (const stream of readSide.streams) {
    if (!(stream.intervalMs > 0)) problems.push(`stream ${stream.stream}: intervalMs must be greater than 0`);
    stream.entities.forEach((e) => yielded.add(e));
    if (stream.signalsDeletes) continue;
    for (const entity of stream.reconciles ?? stream.entities) {
      const other = reconciled.get(entity);
      if (other !== undefined) {
        problems.push(
          `streams ${other} and ${stream.stream} both reconcile ${entity}; set \`reconciles\` on one of them`,
        );
      }
      reconciled.set(entity, stream.stream);
    }
  }
  for (const entity of capabilities.reads) {
    if (!yielded.has(entity)) problems.push(`entity ${entity} is declared but no stream yields it`);
  }
  for (const entity of yielded) {
    if (!capabilities.reads.includes(entity)) problems.push(`entity ${entity} is read but not declared`);
  }

  const declared = capabilities.writes as Partial<Record<CommandType, readonly string[]>>;
  const writes = writeSide.writes as Partial<Record<CommandType, CommandWrite<CommandType>>>;
  for (const type of Object.keys(declared) as CommandType[]) {
    const write = writes[type];
    if (!write) {
      problems.push(`command ${type} is declared but the write side has no write for it`);
      continue;
    }
    if (write.command !== type) problems.push(`the write under ${type} is ${write.command}'s`);
    const fields = declared[type] ?? [];
    const carried = [...write.carries].sort();
    if (JSON.stringify([...fields].sort()) !== JSON.stringify(carried)) {
      problems.push(`command ${type}: the descriptor's fields differ from what its write carries`);
    }
    const allowed = payloadPaths(commandPayloadSchemas[type]);
    for (const field of write.carries) {
      if (!allowed.has(field))
        problems.push(`command ${type} carries ${field}, which its payload does not have`);
    }
  }
  for (const type of Object.keys(writes) as CommandType[]) {
    if (!(type in declared)) problems.push(`command ${type} has a write but is not declared`);
  }
  return problems;
}
