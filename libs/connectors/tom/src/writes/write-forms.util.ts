import { canonicalId, type EntityType } from '@fieldsync/canonical-model';
import { VendorWriteError, type VendorRecord, type WriteContext } from '@fieldsync/connector-kit';
import type { z } from 'zod';
import { parseDetail, parseFormRefusals, parseGrid } from '../readers/page.parser';
import { validatedRecord } from '../readers/wire-record.util';
import { TomClient } from '../tom.client';
import { tomWireRecord } from '../tom.schemas';
import { isoToTomDate, tomLocalDateOf } from '../tom-time.util';

/*
 * What TOM's writes share: its entry forms posted with the session's anti-forgery token (a refusal read
 * out of the re-rendered form as the VendorWriteError naming the command's field; a closed accounting
 * period as `period_locked`), the read-back of a record from its detail page through the read side's
 * wire schemas, the search of a grid for a command's marker, and the accounting-period check made before
 * a dated document is written.
 */

export type WriteRecord = Extract<VendorRecord, { kind: 'record' }>;
/** A form field → the command field it came from (`Zip` → `payload.billingAddress.postalCode`). */
export type FieldMap = Readonly<Record<string, string>>;

export const tomClient = new TomClient();

export const idOf = (ctx: WriteContext, entity: EntityType, externalId: string): string =>
  canonicalId(ctx.connectionId, entity, externalId);

/**
 * Posts one of TOM's entry forms; resolves to the key of the record TOM redirected to (the last path
 * segment of its detail page), or throws the refusal: `period_locked` for a closed period, `not_found`
 * for an unknown reference, otherwise `vendor_rejected`, each naming the command's field.
 */
export async function submitForm(
  ctx: WriteContext,
  path: string,
  fields: Readonly<Record<string, string>>,
  fieldMap: FieldMap,
): Promise<string> {
  const token = ctx.session.headers['x-csrf-token'] ?? '';
  const answer = await tomClient.postForm(ctx, path, { __RequestVerificationToken: token, ...fields });
  if ('location' in answer) {
    const key = decodeURIComponent(
      new URL(answer.location, 'http://tom.invalid').pathname.split('/').pop() ?? '',
    );
    if (key === '')
      throw new VendorWriteError('vendor_rejected', `Total Office Manager: ${path} redirected nowhere`);
    return key;
  }
  const [refusal] = parseFormRefusals(answer.html);
  const message = `Total Office Manager refused ${path} (HTTP ${String(answer.status)}): ${refusal?.message ?? 'no message'}`;
  const field = refusal ? fieldMap[refusal.field] : undefined;
  const code =
    refusal?.code === 'period_locked'
      ? 'period_locked'
      : refusal?.code === 'not_found'
        ? 'not_found'
        : 'vendor_rejected';
  throw new VendorWriteError(code, message, {
    ...(field === undefined ? {} : { field }),
    ...(refusal ? { vendorCode: refusal.code } : {}),
  });
}

/** A record as its detail page shows it now, through the read side's wire schema. */
export async function readDetail<S extends z.ZodType>(
  ctx: WriteContext,
  path: string,
  key: string,
  entity: EntityType,
  schema: S,
  field: string,
): Promise<WriteRecord> {
  const html = await tomClient.getPage(ctx, `${path}/${encodeURIComponent(key)}`);
  if (html === null)
    throw new VendorWriteError('not_found', `Total Office Manager has no ${entity} ${key}`, { field });
  const detail = parseDetail(html);
  const record = validatedRecord(
    entity,
    schema,
    tomWireRecord({ key, fields: detail.fields, ...(detail.lines ? { lines: detail.lines } : {}) }),
    () => false,
  );
  if (record.kind !== 'record') {
    throw new VendorWriteError(
      'vendor_rejected',
      `Total Office Manager's ${entity} ${key} page no longer reads as expected`,
      {
        field,
      },
    );
  }
  return record;
}

/**
 * The key of the first row of a grid, modified on or after the day before `since` (local date), whose
 * cells satisfy `match`; null when none. Reads every page of the filtered grid.
 */
export async function findInGrid(
  ctx: WriteContext,
  path: string,
  since: Date,
  match: (fields: Readonly<Record<string, string>>) => boolean,
): Promise<string | null> {
  const from = new Date(since.getTime() - 86_400_000);
  for (let page = 1; ; page += 1) {
    const html = await tomClient.getPage(ctx, path, {
      page: String(page),
      pageSize: '100',
      modifiedFrom: isoToTomDate(tomLocalDateOf(from)),
    });
    if (html === null) return null;
    const grid = parseGrid(html);
    const row = grid.rows.find((r) => match(r.fields));
    if (row?.key) return row.key;
    if (grid.page >= grid.pages) return null;
  }
}

/**
 * Refuses a document dated in a closed accounting period before anything is written (`period_locked`,
 * naming the date field); TOM's own refusal of the form is mapped the same way.
 */
export async function assertPeriodOpen(ctx: WriteContext, isoDate: string, field: string): Promise<void> {
  const html = await tomClient.getPage(ctx, '/Accounting/Periods', { pageSize: '100' });
  if (html === null) return;
  const period = parseGrid(html).rows.find((r) => r.fields['Period'] === isoDate.slice(0, 7));
  if (period?.fields['Status'] === 'Closed') {
    throw new VendorWriteError(
      'period_locked',
      `Total Office Manager's accounting period ${isoDate.slice(0, 7)} is closed: nothing dated ${isoDate} can be posted`,
      { field, vendorCode: 'period_closed' },
    );
  }
}

/** Refuses a payload value TOM has no place for, naming it (`unsupported`). */
export function unsupported(field: string, why: string): VendorWriteError {
  return new VendorWriteError('unsupported', `Total Office Manager cannot carry ${field}: ${why}`, { field });
}
