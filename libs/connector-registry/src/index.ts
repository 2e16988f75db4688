export { CONNECTORS } from './connectors.registry';
