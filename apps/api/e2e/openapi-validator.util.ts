import { execFileSync } from 'node:child_process';

/**
 * Validates an OpenAPI document with swagger-parser (schema of the OpenAPI version, $refs resolved,
 * operation ids unique ...). swagger-parser is ESM-only inside, which jest's CommonJS runtime cannot
 * require: it runs in a child Node process that reads the document on stdin. Returns the validator's
 * complaint, or undefined when the document is valid.
 */
export function openApiProblems(document: unknown): string | undefined {
  const script = `
    const SwaggerParser = require('@apidevtools/swagger-parser');
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      SwaggerParser.validate(JSON.parse(input))
        .then(() => process.stdout.write('valid'))
        .catch((error) => process.stdout.write(String(error && error.message)));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    input: JSON.stringify(document),
    encoding: 'utf8',
  });
  return out === 'valid' ? undefined : out;
}
