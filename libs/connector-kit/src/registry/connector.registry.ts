import type { CommandType, EntityType, Vendor } from '@fieldsync/canonical-model';
import { connectorDescriptorSchema, type Connector } from '../contract/connector.types';
import { capabilityProblems } from './connector-capabilities.util';
import { ConnectorRegistryError, ConnectorRegistryErrorCode } from './connector-registry.error';

/**
 * The one list of vendors fieldsync runs with (DESIGN "The vendor plug-in"): the session manager, the
 * extractor, the writer and the demo take their vendors from it and nothing else. Built once at startup:
 * ids unique, descriptors valid and backed by code (capabilityProblems), and asking for a vendor nobody
 * registered throws, so an unknown vendor id stops the boot rather than falling back to anything.
 */
export class ConnectorRegistry {
  private readonly byVendor = new Map<Vendor, Connector>();

  constructor(connectors: readonly Connector[]) {
    for (const connector of connectors) {
      const parsed = connectorDescriptorSchema.safeParse(connector.descriptor);
      if (!parsed.success) {
        const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(descriptor)'}: ${i.message}`);
        throw new ConnectorRegistryError(
          ConnectorRegistryErrorCode.InvalidDescriptor,
          `connector descriptor is invalid: ${where.join('; ')}`,
        );
      }
      const vendor = parsed.data.vendor;
      if (this.byVendor.has(vendor)) {
        throw new ConnectorRegistryError(
          ConnectorRegistryErrorCode.DuplicateVendor,
          `two connectors are registered for vendor "${vendor}"`,
        );
      }
      const problems = capabilityProblems(connector, parsed.data);
      if (problems.length > 0) {
        throw new ConnectorRegistryError(
          ConnectorRegistryErrorCode.UnbackedCapability,
          `the ${vendor} connector declares what its code does not do: ${problems.join('; ')}`,
        );
      }
      this.byVendor.set(vendor, connector);
    }
  }

  get vendors(): Vendor[] {
    return [...this.byVendor.keys()];
  }

  get connectors(): Connector[] {
    return [...this.byVendor.values()];
  }

  has(vendor: string): vendor is Vendor {
    return this.byVendor.has(vendor as Vendor);
  }

  get(vendor: string): Connector {
    const connector = this.byVendor.get(vendor as Vendor);
    if (!connector) {
      const known = this.vendors.join(', ') || 'none';
      throw new ConnectorRegistryError(
        ConnectorRegistryErrorCode.UnknownVendor,
        `no connector is registered for vendor "${vendor}" (registered: ${known})`,
      );
    }
    return connector;
  }

  /** The vendors whose connector reads `entity`. */
  readersOf(entity: EntityType): Vendor[] {
    return this.connectors
      .filter((c) => c.descriptor.capabilities.reads.includes(entity))
      .map((c) => c.descriptor.vendor);
  }

  /** Whether the vendor's connector executes `command`; false for an unknown vendor. */
  supports(vendor: string, command: CommandType): boolean {
    const writes = this.byVendor.get(vendor as Vendor)?.descriptor.capabilities.writes;
    return writes !== undefined && command in writes;
  }
}
