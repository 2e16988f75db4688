// Renders every kustomize overlay under k8s/overlays with `kubectl kustomize` (offline) and checks what an
// operator relies on: probes on the health endpoints and the container port, resources, a locked-down
// security context, a grace period longer than the shutdown timeout, an environment that covers every
// required variable with documented names only (secrets from the Secret; NATS_URL one key per service),
// one pinned image (the session-manager its Chromium variant of the same tag), the session-manager's
// browser resources, prod's replicas and HPAs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { envDocs, SERVICES, type ServiceName } from '@fieldsync/platform';
import { parseAllDocuments } from 'yaml';

const root = join(__dirname, '..', '..');
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const SECRET_NAME = 'fieldsync-secrets';
const PREFIX_RE = /-[a-z0-9]{10}$/; // kustomize's hash suffix on generated ConfigMaps

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  volumes?: { name: string; emptyDir?: { medium?: string; sizeLimit?: string } }[];
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { annotations?: Record<string, string> }; spec: PodSpec };
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    ports?: { port: number; targetPort: string | number }[];
  };
}

const kubectlAvailable = (() => {
  try {
    execFileSync(KUBECTL, ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function render(overlay: string): Resource[] {
  const out = execFileSync(KUBECTL, ['kustomize', join(root, 'k8s', 'overlays', overlay)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${overlay}: ${doc.errors[0]?.message}`);
    return doc.toJS() as Resource;
  });
}

const docsByName = new Map(envDocs.map((doc) => [doc.name, doc]));
const appliesTo = (name: string, service: ServiceName): boolean => {
  const doc = docsByName.get(name);
  return doc !== undefined && (doc.services === 'all' || doc.services.includes(service));
};
const requiredFor = (service: ServiceName): string[] =>
  envDocs
    .filter((doc) => doc.default === undefined && (doc.services === 'all' || doc.services.includes(service)))
    .map((doc) => doc.name);

/** Defaults of PORT from its documentation: "api 3000, session-manager 3001, …". */
const defaultPorts: Map<string, number> = new Map(
  (docsByName.get('PORT')?.default ?? '').split(',').map((pair) => {
    const [service = '', port = ''] = pair.trim().split(/\s+/);
    return [service, Number(port)] as const;
  }),
);
const shutdownDefaultMs = Number(docsByName.get('FIELDSYNC_SHUTDOWN_TIMEOUT_MS')?.default);

const isService = (name: string): name is ServiceName => (SERVICES as readonly string[]).includes(name);

/** The Secret key of a workload's NATS_URL: each service has its own NATS user (k8s/base/nats-auth.md). */
const natsUrlKey = (workload: string): string => `NATS_URL_${workload.toUpperCase().replace(/-/g, '_')}`;

/** The session-manager, whose vendor logins run Chromium: the one workload on the browser image. */
const BROWSER_WORKLOAD = 'session-manager';
/** Memory of Node without browsers, and of one browser context (Chromium included): k8s/README.md. */
const NODE_MEMORY_MI = 256;
const BROWSER_MEMORY_MI = 250;

const QUANTITY_MI: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  k: 1e3 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
};
/** A Kubernetes memory quantity (`768Mi`, `1.5Gi`, `1G`) in MiB. */
function mebibytes(quantity: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity ?? '');
  if (!match?.[1]) throw new Error(`not a memory quantity: ${quantity}`);
  return Number(match[1]) * (match[2] ? (QUANTITY_MI[match[2]] ?? NaN) : 1 / 2 ** 20);
}

/**
 * Every variable the container of `workload` gets, and where from. A Secret key is named like its
 * variable, except NATS_URL: `NATS_URL_<WORKLOAD>` (NATS_URL_SESSION_MANAGER, ...).
 */
function environmentOf(
  workload: string,
  container: Container,
  resources: Resource[],
): Map<string, 'literal' | 'configmap' | 'secret'> {
  const env = new Map<string, 'literal' | 'configmap' | 'secret'>();
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`${container.name}: envFrom secretRef hides which keys it sets`);
    const name = source.configMapRef?.name;
    const configMap = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === name);
    if (!configMap) throw new Error(`${container.name}: ConfigMap ${name} is not in the overlay`);
    for (const key of Object.keys(configMap.data ?? {})) env.set(key, 'configmap');
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret) {
      expect({ variable: variable.name, secret: secret.name, key: secret.key }).toEqual({
        variable: variable.name,
        secret: SECRET_NAME,
        key: variable.name === 'NATS_URL' ? natsUrlKey(workload) : variable.name,
      });
      env.set(variable.name, 'secret');
    } else env.set(variable.name, variable.valueFrom ? 'configmap' : 'literal');
  }
  return env;
}

function resolvePort(container: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

const overlays = ['dev', 'prod'] as const;
const describeIfKubectl = kubectlAvailable ? describe : describe.skip;
if (!kubectlAvailable) {
  console.warn(`tools/deploy: SKIPPED the Kubernetes manifest checks: "${KUBECTL}" is not on PATH.`);
}

describeIfKubectl.each(overlays)('k8s/overlays/%s', (overlay) => {
  const resources = kubectlAvailable ? render(overlay) : [];
  const deployments = resources.filter((r) => r.kind === 'Deployment');
  const jobs = resources.filter((r) => r.kind === 'Job');
  const workloads = [...deployments, ...jobs];
  const containersOf = (r: Resource): Container[] => r.spec?.template?.spec.containers ?? [];
  const podOf = (r: Resource): PodSpec => {
    const pod = r.spec?.template?.spec;
    if (!pod) throw new Error(`${r.kind} ${r.metadata.name} has no pod template`);
    return pod;
  };
  const mainContainer = (r: Resource): Container => {
    const [container] = containersOf(r);
    if (!container) throw new Error(`${r.kind} ${r.metadata.name} has no container`);
    return container;
  };

  it('deploys each of the five services once, under its own name, and no unknown app', () => {
    const names = deployments.map((d) => d.metadata.name).sort();
    for (const service of ['api', 'session-manager', 'extractor', 'writer', 'webhook-dispatcher'])
      expect(names).toContain(service);
    for (const name of names) expect(isService(name)).toBe(true);
    for (const d of deployments) {
      const [container, ...others] = containersOf(d);
      expect(others).toEqual([]);
      expect(container?.args).toEqual([d.metadata.name]);
    }
  });

  it('puts every resource in one namespace', () => {
    const namespaces = new Set(resources.map((r) => r.metadata.namespace));
    expect([...namespaces]).toEqual(['fieldsync']);
  });

  it('runs one image pinned by the overlay everywhere, the session-manager its browser variant of the same tag', () => {
    const imagesOf = (w: Resource): string[] => containersOf(w).map((c) => c.image ?? '');
    const others = new Set(workloads.filter((w) => w.metadata.name !== BROWSER_WORKLOAD).flatMap(imagesOf));
    expect(others.size).toBe(1);
    const [image = ''] = [...others];
    const pinned = /^(?<repository>(?:.+\/)?)fieldsync:(?<tag>[\w.-]+)$/.exec(image);
    expect(image).toMatch(/(^|\/)fieldsync:[\w.-]+$/);
    expect(image).not.toMatch(/:latest$/);
    const browser = deployments.find((d) => d.metadata.name === BROWSER_WORKLOAD);
    if (!browser) throw new Error(`no ${BROWSER_WORKLOAD} Deployment`);
    expect(imagesOf(browser)).toEqual([
      `${pinned?.groups?.repository}fieldsync-browser:${pinned?.groups?.tag}`,
    ]);
  });

  it('gives the session-manager what Chromium needs: memory per browser, /dev/shm in memory, the tokens', () => {
    const browser = deployments.find((d) => d.metadata.name === BROWSER_WORKLOAD);
    if (!browser) throw new Error(`no ${BROWSER_WORKLOAD} Deployment`);
    const container = mainContainer(browser);
    const pod = podOf(browser);
    const concurrency = Number(
      container.env?.find((v) => v.name === 'SESSION_BROWSER_CONCURRENCY')?.value ??
        docsByName.get('SESSION_BROWSER_CONCURRENCY')?.default,
    );
    expect(concurrency).toBeGreaterThanOrEqual(1);
    const request = mebibytes(container.resources?.requests?.memory);
    const limit = mebibytes(container.resources?.limits?.memory);
    expect(request).toBeGreaterThanOrEqual(NODE_MEMORY_MI + concurrency * BROWSER_MEMORY_MI);
    const shmMount = container.volumeMounts?.find((m) => m.mountPath === '/dev/shm');
    const shm = pod.volumes?.find((v) => v.name === shmMount?.name)?.emptyDir;
    expect(shm).toMatchObject({ medium: 'Memory', sizeLimit: expect.any(String) as unknown });
    // A memory emptyDir is charged to the container's memory limit.
    expect(limit).toBeGreaterThan(request + mebibytes(shm?.sizeLimit));
    for (const name of ['FIELDSYNC_ADMIN_TOKEN', 'FIELDSYNC_MFA_RELAY_TOKEN']) {
      const ref = container.env?.find((v) => v.name === name)?.valueFrom?.secretKeyRef;
      expect({ name, ref }).toEqual({ name, ref: { name: SECRET_NAME, key: name } });
    }
  });

  it('probes the health endpoints on the port the service listens on', () => {
    for (const d of deployments) {
      const name = d.metadata.name;
      const container = mainContainer(d);
      const containerPort = container.ports?.[0]?.containerPort;
      const listens = Number(container.env?.find((v) => v.name === 'PORT')?.value ?? defaultPorts.get(name));
      expect({ name, containerPort }).toEqual({ name, containerPort: listens });
      expect({ name, containerPort }).toEqual({ name, containerPort: defaultPorts.get(name) });
      const probes = {
        startup: container.startupProbe?.httpGet,
        liveness: container.livenessProbe?.httpGet,
        readiness: container.readinessProbe?.httpGet,
      };
      expect({ name, paths: [probes.startup?.path, probes.liveness?.path, probes.readiness?.path] }).toEqual({
        name,
        paths: ['/health/live', '/health/live', '/health/ready'],
      });
      for (const probe of Object.values(probes))
        expect({ name, port: resolvePort(container, probe?.port) }).toEqual({ name, port: listens });
      const annotations = d.spec?.template?.metadata?.annotations ?? {};
      expect({ name, annotations }).toMatchObject({
        name,
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(listens),
          'prometheus.io/path': '/metrics',
        },
      });
      const service = resources.find((r) => r.kind === 'Service' && r.metadata.name === name);
      expect({ name, service: service?.spec?.ports?.[0] }).toEqual({
        name,
        service: expect.objectContaining({ port: listens }) as unknown,
      });
      expect(resolvePort(container, service?.spec?.ports?.[0]?.targetPort)).toBe(listens);
      expect(resources.some((r) => r.kind === 'PodDisruptionBudget' && r.metadata.name === name)).toBe(true);
    }
  });

  it('sets CPU and memory requests and a memory limit on every container', () => {
    for (const container of workloads.flatMap(containersOf)) {
      expect({ container: container.name, resources: container.resources }).toMatchObject({
        container: container.name,
        resources: {
          requests: { cpu: expect.any(String) as unknown, memory: expect.any(String) as unknown },
          limits: { memory: expect.any(String) as unknown },
        },
      });
    }
  });

  it("sets V8's heap limit in NODE_OPTIONS, at most three quarters of the memory limit", () => {
    for (const d of deployments) {
      const container = mainContainer(d);
      const options = container.env?.find((v) => v.name === 'NODE_OPTIONS')?.value ?? '';
      const heap = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1] ?? NaN);
      const limit = mebibytes(container.resources?.limits?.memory);
      expect({ service: d.metadata.name, heapSet: Number.isFinite(heap) }).toEqual({
        service: d.metadata.name,
        heapSet: true,
      });
      expect({ service: d.metadata.name, heap, withinLimit: heap <= limit * 0.75 }).toEqual({
        service: d.metadata.name,
        heap,
        withinLimit: true,
      });
    }
  });

  it('runs as non-root with a read-only root, no capabilities and the RuntimeDefault seccomp profile', () => {
    for (const w of workloads) {
      const pod = podOf(w);
      expect({ name: w.metadata.name, pod: pod.securityContext }).toMatchObject({
        name: w.metadata.name,
        pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      for (const c of pod.containers) {
        expect({ name: c.name, sc: c.securityContext }).toEqual({
          name: c.name,
          sc: expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          }) as unknown,
        });
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('gives each pod longer than preStop + the shutdown timeout to stop', () => {
    for (const d of deployments) {
      const container = mainContainer(d);
      const env = container.envFrom
        ?.map((s) =>
          resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === s.configMapRef?.name),
        )
        .reduce<Record<string, string>>((all, cm) => ({ ...all, ...cm?.data }), {});
      const shutdownMs = Number(env?.FIELDSYNC_SHUTDOWN_TIMEOUT_MS ?? shutdownDefaultMs);
      const preStop = container.lifecycle?.preStop;
      const sleepCommand = preStop?.exec?.command;
      const preStopSeconds = preStop?.sleep?.seconds ?? Number(sleepCommand?.[1]);
      expect(sleepCommand?.[0] ?? 'sleep').toBe('sleep');
      expect(preStopSeconds).toBeGreaterThan(0);
      const grace = podOf(d).terminationGracePeriodSeconds ?? 30;
      expect({ name: d.metadata.name, grace }).toEqual({
        name: d.metadata.name,
        grace: expect.any(Number) as unknown,
      });
      expect(grace).toBeGreaterThan(preStopSeconds + shutdownMs / 1000);
    }
  });

  it('sets only documented variables, every required one, and secrets only from the Secret', () => {
    for (const d of deployments) {
      const service = d.metadata.name as ServiceName;
      const env = environmentOf(service, mainContainer(d), resources);
      const undocumented = [...env.keys()].filter((name) => !appliesTo(name, service));
      expect({ service, undocumented }).toEqual({ service, undocumented: [] });
      const missing = requiredFor(service).filter((name) => !env.has(name));
      expect({ service, missing }).toEqual({ service, missing: [] });
      const secretsNotFromSecret = [...env]
        .filter(([name, from]) => docsByName.get(name)?.secret === true && from !== 'secret')
        .map(([name]) => name);
      expect({ service, secretsNotFromSecret }).toEqual({ service, secretsNotFromSecret: [] });
    }
  });

  it('commits no Secret and no secret value', () => {
    expect(resources.filter((r) => r.kind === 'Secret')).toEqual([]);
    const secretNames = envDocs.filter((doc) => doc.secret).map((doc) => doc.name);
    for (const cm of resources.filter((r) => r.kind === 'ConfigMap'))
      for (const key of Object.keys(cm.data ?? {})) expect(secretNames).not.toContain(key);
  });

  it('runs the migrations as a Job that precedes the rollout', () => {
    expect(jobs.map((j) => j.metadata.name)).toEqual(['fieldsync-migrate']);
    const [job] = jobs;
    if (!job) throw new Error('no migration Job');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    const container = mainContainer(job);
    expect(container.args).toEqual(['migrate']);
    expect(environmentOf(job.metadata.name, container, resources).get('DATABASE_URL')).toBe('secret');
  });

  it('generates ConfigMaps with a content hash, so a config change rolls the pods', () => {
    for (const cm of resources.filter((r) => r.kind === 'ConfigMap'))
      expect(cm.metadata.name).toMatch(PREFIX_RE);
  });

  if (overlay === 'dev') {
    it('dev: one replica each, single-replica streams, the sandbox included', () => {
      for (const d of deployments)
        expect({ name: d.metadata.name, replicas: d.spec?.replicas }).toEqual({
          name: d.metadata.name,
          replicas: 1,
        });
      expect(deployments.map((d) => d.metadata.name)).toContain('vendor-sandbox');
      const backend = resources.find(
        (r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('fieldsync-backend'),
      );
      expect(backend?.data?.FIELDSYNC_STREAM_REPLICAS).toBe('1');
    });
  }

  if (overlay === 'prod') {
    it('prod: no sandbox, at least two replicas or an HPA with minReplicas >= 2, streams replicated 3 times', () => {
      expect(deployments.map((d) => d.metadata.name)).not.toContain('vendor-sandbox');
      expect(resources.filter((r) => r.metadata.name.includes('sandbox'))).toEqual([]);
      const hpas = resources.filter((r) => r.kind === 'HorizontalPodAutoscaler');
      for (const d of deployments) {
        const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === d.metadata.name);
        const floor = hpa ? hpa.spec?.minReplicas : d.spec?.replicas;
        expect({ name: d.metadata.name, floor: (floor ?? 0) >= 2 }).toEqual({
          name: d.metadata.name,
          floor: true,
        });
        // An HPA-managed Deployment must not carry replicas, or every apply resets the scale.
        if (hpa)
          expect({ name: d.metadata.name, replicas: d.spec?.replicas }).toEqual({ name: d.metadata.name });
      }
      expect(hpas.length).toBeGreaterThanOrEqual(1);
      for (const hpa of hpas)
        expect(deployments.map((d) => d.metadata.name)).toContain(hpa.spec?.scaleTargetRef?.name);
      const backend = resources.find(
        (r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('fieldsync-backend'),
      );
      expect(backend?.data?.FIELDSYNC_STREAM_REPLICAS).toBe('3');
    });
  }
});

describe('k8s sources', () => {
  it('has an overlay per environment this spec knows', () => {
    for (const overlay of overlays)
      expect(existsSync(join(root, 'k8s', 'overlays', overlay, 'kustomization.yaml'))).toBe(true);
  });
});
