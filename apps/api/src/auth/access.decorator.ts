import { SetMetadata } from '@nestjs/common';
import { ACCESS_METADATA } from './auth.constants';
import type { ApiKeyScope } from './api-key.util';

/** What a route accepts: the operator, and/or an API key holding `scope` (admin ⊇ write ⊇ read). */
export interface AccessRule {
  readonly operator?: boolean;
  readonly scope?: ApiKeyScope;
}

/** Marks a route as authenticated. Routes without it (health, metrics, openapi.json, docs) are public. */
export const Access = (rule: AccessRule): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_METADATA, rule);
