import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import OpenAPIResponseValidator from 'openapi-response-validator';

/* Tests: Workiz's published API description (shared/reference/openapi/workiz/workiz-openapi.yml) as validators. */

/** The operations of the published description the sandbox's data API serves. */
export const WORKIZ_MODELLED_OPERATIONS = [
  'listJobs',
  'getJob',
  'createJob',
  'updateJob',
  'assignJob',
  'unassignJob',
  'addJobPayment',
  'listLeads',
  'getLead',
  'createLead',
  'updateLead',
  'listTeam',
  'getTeamMember',
] as const;
export type WorkizOperation = (typeof WORKIZ_MODELLED_OPERATIONS)[number];

const SHARED_DIR = process.env['FIELDSYNC_SHARED_DIR'] ?? resolve(__dirname, '../../../../../../../shared');
export const WORKIZ_SPEC_FILE = resolve(SHARED_DIR, 'reference/openapi/workiz/workiz-openapi.yml');

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/**
 * The published description types Workiz's times as `date-time`, but Workiz sends them account-local
 * as `YYYY-MM-DD HH:MM:SS` beside a `Timezone` (vendors.md §4 [C go, js]); the validator holds the
 * times to that exact form (or empty, as Workiz leaves an unset time).
 */
const WORKIZ_LOCAL = /^$|^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export class WorkizSpecValidators {
  private constructor(private readonly operations: Map<string, Operation>) {}

  /**
   * swagger-parser is ESM-only inside, which jest's CommonJS runtime cannot require: it dereferences the
   * file in a child Node process, which hands back each operation's responses as JSON.
   */
  static async load(): Promise<WorkizSpecValidators> {
    const script = `
      const SwaggerParser = require('@apidevtools/swagger-parser');
      (async () => {
        const out = {};
        const api = await SwaggerParser.dereference(${JSON.stringify(WORKIZ_SPEC_FILE)});
        for (const item of Object.values(api.paths))
          for (const op of Object.values(item)) if (op && op.operationId) out[op.operationId] = { responses: op.responses };
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const json = execFileSync(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      maxBuffer: 64 * 1024 * 1024,
    });
    const parsed = JSON.parse(json.toString('utf8')) as Record<string, Operation>;
    return Promise.resolve(new WorkizSpecValidators(new Map(Object.entries(parsed))));
  }

  has(operationId: string): boolean {
    return this.operations.has(operationId);
  }

  /** Errors of `body` against the operation's response schema for `status` (empty when valid). */
  validate(operationId: WorkizOperation, status: number, body: unknown): string[] {
    const content = this.operations.get(operationId)?.responses[String(status)]?.content;
    const schema = content ? Object.values(content)[0]?.schema : undefined;
    if (!schema) return [`${operationId} documents no ${status} response`];
    const validator = new OpenAPIResponseValidator({
      responses: {
        [status]: { description: 'r', content: { 'application/json': { schema: structuredClone(schema) } } },
      },
      customFormats: {
        'date-time': (v: unknown) => typeof v === 'string' && WORKIZ_LOCAL.test(v),
        date: (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
      },
    } as never);
    const result = validator.validateResponse(status, body) as
      { errors: { path: string; message: string }[] } | undefined;
    return result ? result.errors.map((e) => `${e.path}: ${e.message}`) : [];
  }
}
