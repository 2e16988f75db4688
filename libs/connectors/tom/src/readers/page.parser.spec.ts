import { tomCustomerSchema, tomWireRecord } from '../tom.schemas';
import { PageShapeError, parseDetail, parseFormRefusals, parseGrid } from './page.parser';
import { validatedRecord } from './wire-record.util';

const HEADINGS = [
  'Customer ID',
  'Customer',
  'Type',
  'Phone',
  'Email',
  'Address',
  'Balance',
  'Memo',
  'Active',
  'Created',
  'Modified',
];
const CELLS = [
  '80000001',
  'Ada &amp; Co',
  'Commercial',
  '(512) 555-0101',
  'ada@example.com',
  '1 Main St, Austin, TX 78701',
  '$1,234.50',
  '',
  'Yes',
  '3/1/2026 9:05:00 AM',
  '3/2/2026 12:00:00 PM',
];

const gridPage = (headings: readonly string[]) => `<!doctype html><html><body>
<table id="grid"><thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody><tr>${CELLS.map((c, i) => (i === 0 ? `<td><a href="/Customers/80000001">${c}</a></td>` : `<td>${c}</td>`)).join('')}</tr></tbody></table>
<nav><span id="page-info" data-page="1" data-pages="3" data-total="61">Page 1 of 3</span></nav></body></html>`;

describe('TOM page parser', () => {
  it('reads a grid row by its headings, its key from the detail link, and the pager', () => {
    const grid = parseGrid(gridPage(HEADINGS));
    expect(grid).toMatchObject({ page: 1, pages: 3, total: 61 });
    expect(grid.rows[0]?.key).toBe('80000001');
    expect(grid.rows[0]?.fields['Customer']).toBe('Ada & Co');
    const record = validatedRecord(
      'customer',
      tomCustomerSchema,
      tomWireRecord({ key: '80000001', fields: grid.rows[0]?.fields ?? {} }),
      () => false,
    );
    expect(record.kind).toBe('record');
  });

  it('turns a renamed column into drift naming the missing and the unknown heading, never a record', () => {
    const renamed = HEADINGS.map((h) => (h === 'Balance' ? 'Balance Due' : h));
    const grid = parseGrid(gridPage(renamed));
    const record = validatedRecord(
      'customer',
      tomCustomerSchema,
      tomWireRecord({ key: '80000001', fields: grid.rows[0]?.fields ?? {} }),
      () => false,
    );
    expect(record.kind).toBe('drift');
    if (record.kind !== 'drift') return;
    expect(record.externalId).toBe('80000001');
    expect(record.issues.map((i) => i.path).sort()).toEqual(['fields', 'fields.Balance']);
  });

  it('says when a page is the sign-in form rather than the grid', () => {
    expect(() => parseGrid('<form><input type="password"></form>')).toThrow(PageShapeError);
    try {
      parseGrid('<form><input type="password"></form>');
    } catch (error) {
      expect((error as PageShapeError).signInPage).toBe(true);
    }
  });

  it('reads a detail page’s fields and lines, and a refused form’s messages', () => {
    const detail = parseDetail(`<dl id="record"><dt>Invoice #</dt><dd>10002-1</dd></dl>
<table id="lines"><thead><tr><th>Item</th><th>Qty</th></tr></thead><tbody><tr><td>SVC-1</td><td>1.5</td></tr></tbody></table>`);
    expect(detail).toEqual({ fields: { 'Invoice #': '10002-1' }, lines: [{ Item: 'SVC-1', Qty: '1.5' }] });
    expect(
      parseFormRefusals(
        `<div class="validation-summary-errors"><ul><li data-field="Date" data-code="period_locked">closed</li></ul></div>`,
      ),
    ).toEqual([{ field: 'Date', code: 'period_locked', message: 'closed' }]);
  });
});
