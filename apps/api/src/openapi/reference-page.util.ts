type JsonObject = Record<string, unknown>;

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The `/docs` reference page: every operation of the OpenAPI document with its parameters, request body
 * and responses, and every component schema — self-contained HTML (no script, no CDN), rendered once at boot.
 */
export function renderReferencePage(document: JsonObject): string {
  const info = document['info'] as { title: string; version: string; description: string };
  const paths = document['paths'] as Record<string, Record<string, JsonObject>>;
  const schemas = (document['components'] as { schemas: Record<string, unknown> }).schemas;
  const operations: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params =
        (op['parameters'] as
          { name: string; in: string; required?: boolean; description?: string }[] | undefined) ?? [];
      const rows = params
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${escape(p.description ?? '')}</td></tr>`,
        )
        .join('');
      const responses = Object.entries(
        op['responses'] as Record<
          string,
          { description: string; content?: Record<string, { schema: { $ref?: string } }> }
        >,
      )
        .map(([status, r]) => {
          const schemaRef = Object.values(r.content ?? {})[0]
            ?.schema.$ref?.split('/')
            .pop();
          const link = schemaRef ? ` → <a href="#schema-${escape(schemaRef)}">${escape(schemaRef)}</a>` : '';
          return `<li><b>${escape(status)}</b> ${escape(r.description)}${link}</li>`;
        })
        .join('');
      operations.push(
        `<section id="${escape(String(op['operationId']))}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>` +
          `<p>${escape((op['summary'] as string | undefined) ?? '')}</p>` +
          (rows
            ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>meaning</th></tr>${rows}</table>`
            : '') +
          `<ul>${responses}</ul></section>`,
      );
    }
  }
  const components = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></section>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)} reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}code,pre{font-family:ui-monospace,monospace}
pre{background:#f6f8fa;padding:.75rem;overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
.m{background:#0b5;color:#fff;padding:0 .4rem;border-radius:3px}</style></head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1><p>${escape(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>${operations.join('\n')}<h2>Schemas</h2>${components}</body></html>`;
}
