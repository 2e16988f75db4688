const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A whole server-rendered page (no scripts unless the caller adds them). */
export function renderPage(options: { title: string; heading: string; body: string; head?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
${options.head ?? ''}
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}.notice{color:#225}</style>
</head>
<body>
<h1>${escapeHtml(options.heading)}</h1>
${options.body}
</body>
</html>`;
}

/** A paragraph with an error (role=alert) or nothing. */
export function alertHtml(message: string | undefined): string {
  return message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '';
}
