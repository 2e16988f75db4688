// Static checks of docker/ (no Docker engine is needed): the image builds every app and the migration
// entry, runs as non-root under an init, exposes the ports the services use, matches the Node version
// the repository pins; compose wires every service with a healthcheck and the right start order.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { envDocs } from '@fieldsync/platform';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const dockerfile = read('docker/Dockerfile');
const entrypoint = read('docker/entrypoint.sh');
const apps = readdirSync(join(root, 'apps'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'apps', entry.name, 'project.json')))
  .map((entry) => entry.name)
  .sort();
const defaultPorts = new Map(
  (envDocs.find((doc) => doc.name === 'PORT')?.default ?? '').split(',').map((pair) => {
    const [service = '', port = ''] = pair.trim().split(/\s+/);
    return [service, Number(port)] as const;
  }),
);

/** The instructions of one stage (`FROM … AS name` up to the next FROM), continuation lines joined. */
function stage(name: string): string[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const start = lines.findIndex((line) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}$`, 'i').test(line));
  if (start < 0) throw new Error(`docker/Dockerfile has no stage ${name}`);
  const end = lines.findIndex((line, i) => i > start && /^FROM\s/i.test(line));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('docker/Dockerfile', () => {
  it('uses the Node version package.json pins, on bookworm-slim', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${pkg.devDependencies.node}-bookworm-slim`);
  });

  it('builds every app and the migration entry', () => {
    expect(apps.length).toBeGreaterThanOrEqual(6);
    const build = stage('build').join('\n');
    const projects = /--projects=(\S+)/.exec(build)?.[1]?.split(',') ?? [];
    expect(projects.sort()).toEqual([...apps, 'tools'].sort());
    for (const app of apps) expect(build).toContain(`test -f dist/apps/${app}/apps/${app}/src/main.js`);
    expect(build).toContain('test -f dist/tools/tools/db/migrate.js');
    expect(read('tools/project.json')).toContain('tools/deploy/tsconfig.build.json');
  });

  it('starts each app and migrate from the entrypoint at the paths the build writes', () => {
    expect(entrypoint).toContain('exec node "/app/dist/apps/$app/apps/$app/src/main.js"');
    expect(entrypoint).toContain('exec node /app/dist/tools/tools/db/migrate.js');
    for (const app of apps) expect(entrypoint).toMatch(new RegExp(`(^|[\\s|])${app}([\\s|)])`, 'm'));
  });

  it('installs only production dependencies, without install scripts, in the runtime image', () => {
    expect(stage('prod-deps').join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(stage('deps').join('\n')).toMatch(/npm ci\b/);
    const runtime = stage('runtime').join('\n');
    expect(runtime).toMatch(/COPY --from=prod-deps \/app\/node_modules/);
    expect(runtime).not.toMatch(/COPY --from=(deps|build) \/app\/node_modules/);
    expect(runtime).toMatch(/NODE_ENV=production/);
  });

  it('runs as a numeric non-root user under tini', () => {
    const runtime = stage('runtime');
    const user = runtime.filter((line) => /^USER\s/i.test(line)).at(-1);
    expect(user).toMatch(/^USER\s+[1-9]\d*(:[1-9]\d*)?$/);
    expect(runtime.find((line) => /^ENTRYPOINT/i.test(line))).toMatch(
      /^ENTRYPOINT \["\/usr\/bin\/tini", "--"/,
    );
  });

  it('exposes the port of every service', () => {
    const exposed = stage('runtime')
      .filter((line) => /^EXPOSE\s/i.test(line))
      .flatMap((line) => line.split(/\s+/).slice(1).map(Number));
    for (const app of apps)
      expect({ app, exposed: exposed.includes(defaultPorts.get(app) ?? -1) }).toEqual({ app, exposed: true });
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', 'dist', '.git', '**/.env']) expect(ignored).toContain(pattern);
  });
});

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  user?: string;
}

describe('docker/compose.yaml', () => {
  const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;

  it('runs postgres 15, nats 2.9 with JetStream, the migration and every app', () => {
    expect(services.postgres?.image).toMatch(/^postgres:15/);
    expect(services.nats?.image).toMatch(/^nats:2\.9/);
    expect(services.nats?.command).toContain('-js');
    expect(services.migrate?.command).toEqual(['migrate']);
    for (const app of apps) expect(services[app]?.command).toEqual([app]);
  });

  it('starts a backend only after a successful migration and a healthy NATS', () => {
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const app of apps.filter((a) => a !== 'vendor-sandbox')) {
      expect({ app, depends: services[app]?.depends_on }).toEqual({
        app,
        depends: {
          migrate: { condition: 'service_completed_successfully' },
          nats: { condition: 'service_healthy' },
        },
      });
    }
  });

  it('health-checks every app on its readiness endpoint and port', () => {
    for (const app of apps) {
      const port = services[app]?.environment?.PORT ?? String(defaultPorts.get(app));
      expect(port).toBe(String(defaultPorts.get(app)));
      expect(services[app]?.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
    }
  });

  it('sets only documented variables on the apps and every required one', () => {
    for (const app of apps) {
      const names = Object.keys(services[app]?.environment ?? {});
      const docs = envDocs.filter(
        (doc) => doc.services === 'all' || (doc.services as readonly string[]).includes(app),
      );
      expect({ app, undocumented: names.filter((n) => !docs.some((d) => d.name === n)) }).toEqual({
        app,
        undocumented: [],
      });
      const required = docs.filter((d) => d.default === undefined).map((d) => d.name);
      expect({ app, missing: required.filter((n) => !names.includes(n)) }).toEqual({ app, missing: [] });
    }
  });
});
