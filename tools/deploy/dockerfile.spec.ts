// Static checks of docker/ (no Docker engine is needed): the image builds every app and the migration
// entry, runs as non-root under an init, exposes the ports the services use, matches the Node version
// the repository pins, and has a Chromium variant for the session manager (Debian's package, never a
// browser downloaded by Playwright); compose wires every service with a healthcheck and the right start
// order, the session-manager on the browser variant.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { envDocs } from '@fieldsync/platform';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const dockerfile = read('docker/Dockerfile');
const entrypoint = read('docker/entrypoint.sh');
const chromiumPath = envDocs.find((doc) => doc.name === 'CHROMIUM_PATH')?.default;
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

/** The Dockerfile's instructions, continuation lines joined, comments and blank lines dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** The instructions of one stage (`FROM … AS name` up to the next FROM). */
function stage(name: string): string[] {
  const lines = instructions;
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

  it("has a runtime-browser target: runtime plus Debian's chromium and fonts, still non-root, HOME writable", () => {
    const browser = stage('runtime-browser');
    expect(browser[0]).toMatch(/^FROM\s+runtime\s+AS\s+runtime-browser$/i);
    const install = browser.find((line) => /apt-get install/.test(line)) ?? '';
    const packages = /apt-get install -y --no-install-recommends ([^&]+)/
      .exec(install)?.[1]
      ?.trim()
      .split(/\s+/);
    expect(packages).toContain('chromium');
    expect(packages).toContainEqual(expect.stringMatching(/^fonts-/) as unknown);
    expect(install).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    // The documented default of CHROMIUM_PATH is where Debian's package puts it; the build runs it.
    expect(chromiumPath).toBe('/usr/bin/chromium');
    expect(install).toContain(`${chromiumPath} --version`);
    // Chromium writes under $HOME; with a read-only root only /tmp is writable.
    expect(browser).toContainEqual(expect.stringMatching(/^ENV\s+HOME=\/tmp\b/) as unknown);
    expect(browser.filter((line) => /^USER\s/i.test(line)).at(-1)).toMatch(/^USER\s+[1-9]\d*(:[1-9]\d*)?$/);
    expect(browser.some((line) => /^(ENTRYPOINT|CMD)\b/i.test(line))).toBe(false);
  });

  it("keeps Chromium out of the services' image and the default target", () => {
    expect(stage('runtime').join('\n')).not.toMatch(/chromium/i);
    // Without --target, docker builds the last stage: it must be `runtime` as it is.
    const lastStage = instructions.slice(instructions.findLastIndex((line) => /^FROM\s/i.test(line)));
    expect(lastStage).toEqual([expect.stringMatching(/^FROM\s+runtime(\s+AS\s+(?!runtime-browser$)\S+)?$/i)]);
  });

  it('never downloads a browser with Playwright', () => {
    expect(dockerfile).not.toMatch(/playwright\s+install|PLAYWRIGHT_BROWSERS_PATH|ms-playwright/i);
    expect(stage('base').join('\n')).toMatch(/PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1/);
    // No package in the lockfile that could fetch a browser from an install script.
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const fetchers = Object.entries(lock.packages)
      .filter(([path, pkg]) => /playwright|puppeteer|chrom/i.test(path) && pkg.hasInstallScript === true)
      .map(([path]) => path);
    expect(fetchers).toEqual([]);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', 'dist', '.git', '**/.env']) expect(ignored).toContain(pattern);
  });
});

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  shm_size?: string;
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

  it('builds the session-manager from the browser target and every other app from runtime', () => {
    const sessionManager = services['session-manager'];
    expect(sessionManager?.build?.target).toBe('runtime-browser');
    expect(sessionManager?.image).toMatch(/^fieldsync-browser:/);
    // Chromium's shared memory: more than Docker's 64 MB default.
    expect(sessionManager?.shm_size).toMatch(/^\d+[mg]$/i);
    // Unset, the connections admin API would be open.
    expect(sessionManager?.environment?.FIELDSYNC_ADMIN_TOKEN).toMatch(
      /^\$\{FIELDSYNC_ADMIN_TOKEN:-.{24,}\}$/,
    );
    for (const app of [...apps.filter((a) => a !== 'session-manager'), 'migrate']) {
      expect({ app, target: services[app]?.build?.target }).toEqual({ app, target: 'runtime' });
      expect({ app, image: services[app]?.image }).toEqual({
        app,
        image: expect.stringMatching(/^fieldsync:/) as unknown,
      });
    }
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
