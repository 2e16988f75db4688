import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { authFlowRegistry, authFlowsFor } from './sessions.module';

describe('the session manager registry of auth flows', () => {
  it('registers every connector folder in libs/connectors, each vendor once', () => {
    const folders = readdirSync(resolve(__dirname, '../../../../libs/connectors'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const registry = authFlowRegistry(authFlowsFor({ SESSION_TIMEOUTS: {} }));
    expect([...registry.keys()].sort()).toEqual(folders);
  });

  it('refuses two flows for one vendor', () => {
    const [first] = authFlowsFor({ SESSION_TIMEOUTS: {} });
    if (!first) throw new Error('no flows');
    expect(() => authFlowRegistry([first, first])).toThrow(
      `two auth flows registered for vendor ${first.vendor}`,
    );
  });

  it('builds the flows with the session lifetimes SESSION_TIMEOUTS overrides', () => {
    const flows = authFlowRegistry(
      authFlowsFor({ SESSION_TIMEOUTS: { jobber: { idleMs: 8_000, absoluteMs: 20_000 } } }),
    );
    expect(flows.get('jobber')?.sessionPolicy).toEqual({ idleMs: 8_000, absoluteMs: 20_000 });
    expect(flows.get('servicetitan')?.sessionPolicy).toEqual({
      idleMs: 2 * 3_600_000,
      absoluteMs: 12 * 3_600_000,
    });
  });
});
