// `node docker/healthcheck.cjs <url>`: exit 0 when the URL answers 2xx within 3 s, else 1.
// For compose healthchecks; the runtime image has no curl or wget.
'use strict';
const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: node docker/healthcheck.cjs <url>\n');
  process.exit(2);
}
fetch(url, { signal: AbortSignal.timeout(3000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
