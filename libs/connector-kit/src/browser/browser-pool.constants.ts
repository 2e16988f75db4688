/** Debian's Chromium package (never a browser downloaded by Playwright). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Chromium's flags for server-side logins: headless, no sandbox (containers run it as an unprivileged
 * user without user namespaces), no GPU, no QUIC (vendor edges and proxies see plain TLS), and none of
 * the background traffic (updates, sync, first-run pages) a server has no use for.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DEFAULT_MAX_CONCURRENT_LOGINS = 2;
/** Chromium is closed after this long without a login (it costs ~150 MB while it runs). */
export const DEFAULT_BROWSER_IDLE_MS = 60_000;
