import OpenAPIResponseValidator from 'openapi-response-validator';

type JsonObject = Record<string, unknown>;

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The body as sent, byte for byte. */
  readonly text: string;
  /** The body as an object (for the fields a test reads). */
  readonly json: JsonObject;
}

/**
 * A caller of the api process that checks every answer against the api's own OpenAPI document: the
 * operation's declared response for that status (schema and all), so no route can answer a shape the
 * document does not promise.
 */
export class ApiClient {
  private document: JsonObject | undefined;
  private readonly validators = new Map<string, OpenAPIResponseValidator>();
  checked = 0;

  constructor(readonly base: string) {}

  useDocument(document: JsonObject): void {
    this.document = document;
    this.validators.clear();
  }

  async call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await res.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    const response: ApiResponse = {
      status: res.status,
      headers: res.headers,
      body: parsed,
      text,
      json: (parsed ?? {}) as JsonObject,
    };
    this.check(method, path, response);
    return response;
  }

  get(path: string, token?: string): Promise<ApiResponse> {
    return this.call('GET', path, { token });
  }

  private check(method: string, path: string, response: ApiResponse): void {
    if (!this.document) return;
    const operation = this.operation(method.toLowerCase(), path.split('?')[0] ?? path);
    if (!operation) return;
    const key = `${method} ${operation.template}`;
    let validator = this.validators.get(key);
    if (!validator) {
      // each status's one media type schema (application/json or application/problem+json)
      const responses = Object.fromEntries(
        Object.entries(operation.responses).map(([status, declared]) => {
          const content = (declared as { content?: Record<string, { schema: JsonObject }> }).content ?? {};
          return [status, { schema: Object.values(content)[0]?.schema ?? {} }];
        }),
      );
      validator = new OpenAPIResponseValidator({
        responses,
        components: this.document['components'] as never,
      });
      this.validators.set(key, validator);
    }
    if (!(String(response.status) in operation.responses)) {
      throw new Error(
        `${method} ${path} answered ${response.status}, which ${operation.template} does not declare`,
      );
    }
    const errors = validator.validateResponse(response.status, response.body);
    if (errors) {
      throw new Error(
        `${method} ${path} → ${response.status} breaks the OpenAPI document: ${JSON.stringify(errors)}`,
      );
    }
    this.checked += 1;
  }

  /** The document's operation for a concrete path (`/jobs/job_1` → `/jobs/{jobId}`). */
  private operation(method: string, path: string): { template: string; responses: JsonObject } | undefined {
    const paths = (this.document?.['paths'] ?? {}) as Record<string, Record<string, JsonObject>>;
    for (const [template, item] of Object.entries(paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = item[method];
      if (pattern.test(path) && operation)
        return { template, responses: operation['responses'] as JsonObject };
    }
    return undefined;
  }
}
