import { ConnectorRegistry } from '@fieldsync/connector-kit';
import { housecallproConnector } from '@fieldsync/connectors/housecallpro';
import { jobberConnector } from '@fieldsync/connectors/jobber';
import { servicetitanConnector } from '@fieldsync/connectors/servicetitan';
import { tomConnector } from '@fieldsync/connectors/tom';
import { workizConnector } from '@fieldsync/connectors/workiz';

/**
 * Every vendor fieldsync runs (DESIGN "The vendor plug-in"): one line per connector. The session manager,
 * the extractor, the writer and the demo take their vendors from here and from nothing else; a spec
 * proves every folder under libs/connectors/ is listed. Built at import: a connector whose descriptor
 * and code disagree stops every service's boot with the reason.
 */
export const CONNECTORS = new ConnectorRegistry([
  servicetitanConnector,
  jobberConnector,
  housecallproConnector,
  workizConnector,
  tomConnector,
]);
