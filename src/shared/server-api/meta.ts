import { z } from 'zod';
import { serverRoute } from './define';

export const openApi = serverRoute({
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This API, as OpenAPI 3.1',
  tag: 'meta',
  access: 'public',
  errors: [],
});

export const health = serverRoute({
  method: 'GET',
  path: '/v1/health',
  summary: 'Liveness and store kind',
  tag: 'meta',
  access: 'public',
  answer: z.object({ ok: z.literal(true), store: z.string(), version: z.string() }),
  errors: [],
});
