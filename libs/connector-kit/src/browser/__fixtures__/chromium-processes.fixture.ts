import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  /** The parent: `process.pid` for a browser this process launched itself. */
  ppid: number;
  command: string;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Parent pid and state of a live process (`/proc/<pid>/stat`), or undefined when it is gone. */
function statOf(pid: number): { ppid: number; state: string } | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // `pid (comm) state ppid …`; comm may hold spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
}

/** Whether `pid` still runs (a zombie does not count). Linux only. */
export function isRunning(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * The Chromium processes this process started, from /proc (Linux only; for the pool's tests that
 * check a browser leaves nothing running): its descendants whose command mentions Chromium, plus any
 * process whose environment holds `envMarker` (`NAME=value`, set in `process.env` before the launch):
 * Chromium's crash handlers detach from the browser (their parent becomes init), so only the
 * environment they inherited ties them to this process.
 */
export function chromiumProcesses(envMarker?: string): ProcessInfo[] {
  const rootPid = process.pid;
  const children = new Map<number, number[]>();
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = statOf(pid);
    if (!stat || stat.state === 'Z') continue;
    parents.set(pid, stat.ppid);
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const commandOf = (pid: number): string => (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
  const found = new Map<number, ProcessInfo>();
  const pending = [...(children.get(rootPid) ?? [])];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    pending.push(...(children.get(pid) ?? []));
    const command = commandOf(pid);
    if (/chrom/i.test(command)) found.set(pid, { pid, ppid: parents.get(pid) ?? 0, command });
  }
  if (envMarker !== undefined) {
    for (const [pid, ppid] of parents) {
      if (pid === rootPid || found.has(pid)) continue;
      if ((readProc(pid, 'environ') ?? '').split('\0').includes(envMarker)) {
        found.set(pid, { pid, ppid, command: commandOf(pid) });
      }
    }
  }
  return [...found.values()];
}
