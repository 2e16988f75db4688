import { Controller, Get, Header } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi.document';
import { renderReferencePage } from './reference-page.util';

/** `GET /openapi.json` (OpenAPI 3.1, generated from the zod schemas) and `GET /docs` (its reference page). Public. */
@Controller()
export class OpenApiController {
  private readonly document = buildOpenApiDocument();
  private readonly page = renderReferencePage(this.document);

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  docs(): string {
    return this.page;
  }
}
