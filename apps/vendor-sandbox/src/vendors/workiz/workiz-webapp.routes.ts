import type { World } from '@fieldsync/sandbox-world';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PortalKit } from '../../portal/portal.types';
import type { WorkizAccount } from './workiz-account.util';
import {
  renderCall,
  renderClient,
  renderEstimate,
  renderInvoice,
  renderPayment,
  renderPricebookItem,
  renderSmsThread,
} from './workiz.renderer';

/**
 * The web app's own JSON (`/ajaxc/…`), what app.workiz.com's pages call for what the public API
 * lacks: clients, invoices, estimates, payments, the call log and SMS threads, plus Settings →
 * Integrations (the API token and secret). A style of its own: snake_case,
 * `{status: 'ok', page, per_page, total, <key>: [...]}` with 1-based `page` and `per_page` ≤ 200,
 * records in id order (oldest first), every record (the web app has no date window); errors
 * `{status: 'error', error}`.
 */

const MAX_PER_PAGE = 200;
const pageQuery = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(50),
  })
  .strict();

interface Listing {
  readonly path: string;
  readonly key: string;
  readonly rows: (world: World) => readonly { id: number }[];
  readonly render: (world: World, row: never) => Record<string, unknown>;
}

/** The web app's lists, by the key their JSON carries them under (the ground truth's names too). */
export const WORKIZ_WEBAPP_LISTINGS: readonly Listing[] = [
  {
    path: '/ajaxc/clients/list/',
    key: 'clients',
    rows: (w) => [...w.store.all('customer')].filter((c) => c.deletedOn === null && c.mergedToId === null),
    render: renderClient,
  },
  {
    path: '/ajaxc/invoices/list/',
    key: 'invoices',
    rows: (w) => [...w.store.all('invoice')].filter((i) => i.deletedOn === null),
    render: renderInvoice,
  },
  {
    path: '/ajaxc/estimates/list/',
    key: 'estimates',
    rows: (w) => [...w.store.all('estimate')].filter((e) => e.deletedOn === null),
    render: renderEstimate,
  },
  {
    path: '/ajaxc/payments/list/',
    key: 'payments',
    // Voided payments stay listed (voided: true), as the web app's payments report shows them.
    rows: (w) => [...w.store.all('payment')],
    render: renderPayment,
  },
  {
    path: '/ajaxc/pricebook/items/',
    key: 'pricebook_items',
    // The price book lists inactive items too (active: false); deleted ones are gone.
    rows: (w) => [...w.store.all('pricebookItem')].filter((i) => i.deletedOn === null),
    render: renderPricebookItem,
  },
  {
    path: '/ajaxc/calls/list/',
    key: 'calls',
    rows: (w) => w.workiz.calls(),
    render: renderCall,
  },
  {
    path: '/ajaxc/messages/threads/',
    key: 'threads',
    rows: (w) => w.workiz.smsThreads(),
    render: renderSmsThread,
  },
];

export function registerWorkizWebApp(scope: FastifyInstance, kit: PortalKit, account: WorkizAccount): void {
  const error = (reply: FastifyReply, code: number, message: string) =>
    reply.code(code).send({ status: 'error', error: message });

  scope.get('/ajaxc/account/integrations/', async () => ({
    status: 'ok',
    account: { id: account.id, name: account.name, timezone: kit.world.world.workiz.timezone },
    developer_api: { enabled: true, api_token: account.apiToken, api_secret: account.apiSecret },
  }));

  scope.get('/ajaxc/service-areas/', async () => ({
    status: 'ok',
    service_areas: kit.world.world.workiz
      .serviceAreas()
      .map((a) => ({ area_id: a.id, name: a.name, zip_codes: a.zipCodes })),
  }));

  for (const listing of WORKIZ_WEBAPP_LISTINGS) {
    scope.get(listing.path, async (request, reply) => {
      const q = pageQuery.safeParse(request.query);
      if (!q.success) {
        const issue = q.error.issues[0];
        return error(reply, 400, `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`);
      }
      const w = kit.world.world;
      const rows = [...listing.rows(w)].sort((a, b) => a.id - b.id);
      const start = (q.data.page - 1) * q.data.per_page;
      return {
        status: 'ok',
        page: q.data.page,
        per_page: q.data.per_page,
        total: rows.length,
        [listing.key]: rows.slice(start, start + q.data.per_page).map((r) => listing.render(w, r as never)),
      };
    });
  }
}
