// The vendor-neutral world under every sandbox portal. Renderers (ServiceTitan REST, Jobber GraphQL,
// …) read it through WorldStore, write through WorldWriter, and make it live with ActivityEngine.
export * from './world.schema';
export * from './world.clock';
export * from './world.store';
export * from './world.rules';
export * from './world.writer';
export * from './world.generator';
export * from './world-activity.engine';
export * from './world-rule.error';
export * from './world-money.util';
export * from './world-invariants.util';
export * from './world-hash.util';
export { WorldRng } from './world-rng.util';
export * from './world-workiz.schema';
export * from './world-workiz.ledger';
export * from './world-tom.schema';
export * from './world-tom.ledger';
