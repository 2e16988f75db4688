import { tomLocalDate, type World } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml, renderPage } from '../../portal/html.util';
import type { PortalKit } from '../../portal/portal.types';
import { parseTomDate } from './tom-format.util';
import { TOM_LISTINGS, type TomListing, type TomPageRecord } from './tom.records';

/** Rows per grid page unless `pageSize` asks for another (TOM's grids page server-side). */
export const TOM_PAGE_SIZE = 25;
export const TOM_MAX_PAGE_SIZE = 100;

interface GridQuery {
  page?: string;
  pageSize?: string;
  modifiedFrom?: string;
  modifiedTo?: string;
  numberFrom?: string;
  numberTo?: string;
}

interface GridFilter {
  page: number;
  pageSize: number;
  modifiedFrom?: string;
  modifiedTo?: string;
  numberFrom?: number;
  numberTo?: number;
}

/** The query's filters, or the message TOM shows above the grid for a bad one. */
function parseFilter(query: GridQuery): GridFilter | { error: string } {
  const whole = (
    text: string | undefined,
    name: string,
    min: number,
    max: number,
  ): number | string | undefined => {
    if (text === undefined || text === '') return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= min && n <= max
      ? n
      : `${name} must be a whole number from ${min} to ${max}.`;
  };
  const date = (text: string | undefined, name: string): string | undefined | { error: string } => {
    if (text === undefined || text === '') return undefined;
    return parseTomDate(text) ?? { error: `${name} must be a date (M/D/YYYY).` };
  };
  const page = whole(query.page, 'Page', 1, 1_000_000) ?? 1;
  const pageSize = whole(query.pageSize, 'Page size', 1, TOM_MAX_PAGE_SIZE) ?? TOM_PAGE_SIZE;
  const numberFrom = whole(query.numberFrom, 'Number from', 0, Number.MAX_SAFE_INTEGER);
  const numberTo = whole(query.numberTo, 'Number to', 0, Number.MAX_SAFE_INTEGER);
  const modifiedFrom = date(query.modifiedFrom, 'Modified from');
  const modifiedTo = date(query.modifiedTo, 'Modified to');
  for (const v of [page, pageSize, numberFrom, numberTo]) if (typeof v === 'string') return { error: v };
  for (const v of [modifiedFrom, modifiedTo]) if (typeof v === 'object') return v;
  return {
    page: page as number,
    pageSize: pageSize as number,
    numberFrom: numberFrom as number | undefined,
    numberTo: numberTo as number | undefined,
    modifiedFrom: modifiedFrom as string | undefined,
    modifiedTo: modifiedTo as string | undefined,
  };
}

function matches(record: TomPageRecord, filter: GridFilter): boolean {
  if (filter.modifiedFrom !== undefined || filter.modifiedTo !== undefined) {
    const day = tomLocalDate(record.modifiedOn);
    if (filter.modifiedFrom !== undefined && day < filter.modifiedFrom) return false;
    if (filter.modifiedTo !== undefined && day > filter.modifiedTo) return false;
  }
  if (filter.numberFrom !== undefined || filter.numberTo !== undefined) {
    if (record.number === undefined) return false;
    if (filter.numberFrom !== undefined && record.number < filter.numberFrom) return false;
    if (filter.numberTo !== undefined && record.number > filter.numberTo) return false;
  }
  return true;
}

/**
 * A listing's records of the world as it is now, computed once per state of the world (its store's row
 * version and its TOM ledger's revision, which moves with the ledger's activity): paging through a grid and opening its detail pages does
 * not render every record again for each page.
 */
const rendered = new WeakMap<
  World,
  Map<string, { state: string; records: readonly TomPageRecord[]; byKey: Map<string, TomPageRecord> }>
>();

function recordsOf(world: World, listing: TomListing) {
  const state = `${String(world.store.rowVersion)}:${String(world.tom.revision())}`;
  let perListing = rendered.get(world);
  if (!perListing) {
    perListing = new Map();
    rendered.set(world, perListing);
  }
  const cached = perListing.get(listing.entity);
  if (cached?.state === state) return cached;
  const records = listing.records(world);
  const entry = { state, records, byKey: new Map(records.map((r) => [r.key, r])) };
  perListing.set(listing.entity, entry);
  return entry;
}

/** The heading TOM prints for a column or a label, after the markup-change fault's renames. */
function labeller(kit: PortalKit): (label: string) => string {
  const renames = new Map(kit.faults.get().drift.map((d) => [d.from, d.to]));
  return (label) => renames.get(label) ?? label;
}

/**
 * The menu of every office screen: the grids, and Mobile II's Log Out (a form post with the session's
 * anti-forgery token to `/Account/LogOff`, which ends the session and frees its licensed seat).
 */
function nav(csrfToken: string | undefined): string {
  const logOff =
    csrfToken === undefined
      ? ''
      : ` <form method="post" action="/Account/LogOff" id="logoff" class="inline"><input type="hidden" name="__RequestVerificationToken" value="${escapeHtml(csrfToken)}"><button type="submit" id="btnLogOff">Log Out</button></form>`;
  return `<nav id="menu">${TOM_LISTINGS.map((l) => `<a href="${l.path}">${escapeHtml(l.title)}</a>`).join(' | ')}${logOff}</nav>`;
}

function sendHtml(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const menu = nav(reply.request.portalSession?.csrfToken);
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(renderPage({ title: `${title} - Total Office Manager`, heading: title, body: `${menu}\n${body}` }));
}

function gridQueryString(filter: GridFilter, page: number): string {
  const params = new URLSearchParams();
  params.set('page', String(page));
  if (filter.pageSize !== TOM_PAGE_SIZE) params.set('pageSize', String(filter.pageSize));
  const back = (iso: string) => {
    const [y, m, d] = iso.split('-');
    return `${String(Number(m))}/${String(Number(d))}/${y ?? ''}`;
  };
  if (filter.modifiedFrom) params.set('modifiedFrom', back(filter.modifiedFrom));
  if (filter.modifiedTo) params.set('modifiedTo', back(filter.modifiedTo));
  if (filter.numberFrom !== undefined) params.set('numberFrom', String(filter.numberFrom));
  if (filter.numberTo !== undefined) params.set('numberTo', String(filter.numberTo));
  return params.toString();
}

function renderGrid(
  kit: PortalKit,
  listing: TomListing,
  records: readonly TomPageRecord[],
  filter: GridFilter,
): string {
  const label = labeller(kit);
  const total = records.length;
  const pages = Math.max(1, Math.ceil(total / filter.pageSize));
  const slice = records.slice((filter.page - 1) * filter.pageSize, filter.page * filter.pageSize);
  const head = listing.columns.map((c) => `<th>${escapeHtml(label(c))}</th>`).join('');
  const rows = slice
    .map((r) => {
      const cells = listing.columns.map((c, i) => {
        const text = escapeHtml(r.fields[c] ?? '');
        return i === 0
          ? `<td><a href="${listing.path}/${encodeURIComponent(r.key)}">${text}</a></td>`
          : `<td>${text}</td>`;
      });
      return `<tr data-key="${escapeHtml(r.key)}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const links: string[] = [];
  if (filter.page > 1)
    links.push(
      `<a rel="prev" href="${listing.path}?${gridQueryString(filter, filter.page - 1)}">Previous</a>`,
    );
  if (filter.page < pages)
    links.push(`<a rel="next" href="${listing.path}?${gridQueryString(filter, filter.page + 1)}">Next</a>`);
  return `<form method="get" action="${listing.path}" id="filters">
<label for="modifiedFrom">Modified from</label><input id="modifiedFrom" name="modifiedFrom" value="">
<label for="modifiedTo">Modified to</label><input id="modifiedTo" name="modifiedTo" value="">
<button type="submit">Filter</button></form>
<table id="grid" class="grid" data-entity="${listing.entity}">
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<nav class="pager"><span id="page-info" data-page="${filter.page}" data-pages="${pages}" data-total="${total}">Page ${filter.page} of ${pages} (${total} records)</span> ${links.join(' ')}</nav>`;
}

function renderDetail(kit: PortalKit, listing: TomListing, record: TomPageRecord): string {
  const label = labeller(kit);
  const fields = Object.entries(record.fields)
    .map(([k, v]) => `<dt>${escapeHtml(label(k))}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('\n');
  const lines = listing.lines
    ? `<h2>${escapeHtml(listing.lines.heading)}</h2>
<table id="lines" class="grid"><thead><tr>${listing.lines.columns.map((c) => `<th>${escapeHtml(label(c))}</th>`).join('')}</tr></thead>
<tbody>
${(record.lines ?? [])
  .map(
    (l) =>
      `<tr>${(listing.lines?.columns ?? []).map((c) => `<td>${escapeHtml(l[c] ?? '')}</td>`).join('')}</tr>`,
  )
  .join('\n')}
</tbody></table>`
    : '';
  return `<dl id="record" data-entity="${listing.entity}" data-key="${escapeHtml(record.key)}">
${fields}
</dl>
${lines}`;
}

/**
 * TOM's office screens as server-rendered HTML behind the session: one grid per listing (server-side
 * paging with `page`/`pageSize` and Previous/Next links, filters `modifiedFrom`/`modifiedTo` by local
 * date and `numberFrom`/`numberTo` by document number; a bad filter re-renders with its message, 400),
 * and a detail page per record (`<path>/<key>`: every field as a definition list, the lines table of a
 * document). The markup-change fault renames column headings and labels.
 */
export function registerTomPages(scope: FastifyInstance, kit: PortalKit): void {
  for (const listing of TOM_LISTINGS) {
    scope.get<{ Querystring: GridQuery }>(listing.path, async (request, reply) => {
      const filter = parseFilter(request.query);
      if ('error' in filter) {
        return sendHtml(
          reply,
          400,
          listing.title,
          `<p class="error" role="alert" id="validation">${escapeHtml(filter.error)}</p>`,
        );
      }
      const records = recordsOf(kit.world.world, listing).records.filter((r) => matches(r, filter));
      return sendHtml(reply, 200, listing.title, renderGrid(kit, listing, records, filter));
    });
    scope.get<{ Params: { key: string } }>(`${listing.path}/:key`, async (request, reply) => {
      const record = recordsOf(kit.world.world, listing).byKey.get(request.params.key);
      if (!record) {
        return sendHtml(
          reply,
          404,
          listing.title,
          `<p class="error" role="alert" id="not-found">The record was not found. It may have been deleted.</p>`,
        );
      }
      return sendHtml(reply, 200, `${listing.title}: ${record.key}`, renderDetail(kit, listing, record));
    });
  }
}
