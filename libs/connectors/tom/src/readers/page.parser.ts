import * as cheerio from 'cheerio';

/*
 * TOM's pages read with an HTML parser (cheerio), never regular expressions over markup: a grid's rows
 * as cells by column heading, its pager, a detail page's fields (the definition list) and lines table.
 * The parser reports what the page shows; whether that still fits is the wire schemas' business.
 */

export interface ParsedGrid {
  readonly headings: readonly string[];
  /** Each row: its detail link's last path segment (the record's key) and its cells by heading. */
  readonly rows: readonly { readonly key: string | null; readonly fields: Record<string, string> }[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
}

export interface ParsedDetail {
  readonly fields: Record<string, string>;
  readonly lines: Record<string, string>[] | null;
}

/** Why a page is not the one the reader asked for (the sign-in form after a timeout, another layout). */
export class PageShapeError extends Error {
  constructor(
    message: string,
    readonly signInPage: boolean,
  ) {
    super(message);
    this.name = 'PageShapeError';
  }
}

function isSignInPage($: cheerio.CheerioAPI): boolean {
  return $('form input[type="password"]').length > 0;
}

const text = (value: string): string => value.replace(/\s+/g, ' ').trim();

function keyOfLink(href: string | undefined): string | null {
  if (href === undefined) return null;
  const segment = new URL(href, 'http://tom.invalid').pathname.split('/').pop();
  return segment === undefined || segment === '' ? null : decodeURIComponent(segment);
}

export function parseGrid(html: string): ParsedGrid {
  const $ = cheerio.load(html);
  if (isSignInPage($)) throw new PageShapeError('the grid answered the sign-in page', true);
  const grid = $('table#grid');
  const info = $('#page-info');
  if (grid.length === 0 || info.length === 0)
    throw new PageShapeError('the page has no grid or pager', false);
  const headings = grid
    .find('thead th')
    .map((_i, th) => text($(th).text()))
    .get();
  const rows = grid
    .find('tbody tr')
    .toArray()
    .map((tr) => {
      const cells = $(tr).find('td');
      const fields: Record<string, string> = {};
      cells.each((index, td) => {
        const heading = headings[index];
        if (heading !== undefined) fields[heading] = text($(td).text());
      });
      return { key: keyOfLink(cells.first().find('a').attr('href')), fields };
    });
  const number = (name: string): number => {
    const n = Number(info.attr(name));
    if (!Number.isInteger(n) || n < 0) throw new PageShapeError(`the pager has no ${name}`, false);
    return n;
  };
  return {
    headings,
    rows,
    page: number('data-page'),
    pages: number('data-pages'),
    total: number('data-total'),
  };
}

export function parseDetail(html: string): ParsedDetail {
  const $ = cheerio.load(html);
  if (isSignInPage($)) throw new PageShapeError('the detail page answered the sign-in page', true);
  const record = $('dl#record');
  if (record.length === 0) throw new PageShapeError('the page has no record', false);
  const fields: Record<string, string> = {};
  record.find('dt').each((_i, dt) => {
    fields[text($(dt).text())] = text($(dt).next('dd').text());
  });
  const table = $('table#lines');
  if (table.length === 0) return { fields, lines: null };
  const headings = table
    .find('thead th')
    .map((_i, th) => text($(th).text()))
    .get();
  const lines = table
    .find('tbody tr')
    .toArray()
    .map((tr) => {
      const line: Record<string, string> = {};
      $(tr)
        .find('td')
        .each((index, td) => {
          const heading = headings[index];
          if (heading !== undefined) line[heading] = text($(td).text());
        });
      return line;
    });
  return { fields, lines };
}

/** The messages of a re-rendered form: each with the field it names and TOM's code. */
export function parseFormRefusals(html: string): { field: string; code: string; message: string }[] {
  const $ = cheerio.load(html);
  return $('.validation-summary-errors li')
    .toArray()
    .map((li) => ({
      field: $(li).attr('data-field') ?? '',
      code: $(li).attr('data-code') ?? 'invalid',
      message: text($(li).text()),
    }));
}

/** The session's anti-forgery token as a signed-in page carries it. */
export function antiForgeryTokenOf(html: string): string | null {
  const $ = cheerio.load(html);
  return (
    $('input[name="__RequestVerificationToken"]').attr('value') ??
    $('meta[name="csrf-token"]').attr('content') ??
    null
  );
}
