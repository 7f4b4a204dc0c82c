import { z } from 'zod';
import { impliedErrors } from '../shared/server-api/define';
import type { AnyRoute } from './http/route';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate
 * the requests (`z.toJSONSchema`) — the shared specs of src/shared/server-api,
 * which the app's client uses too — so the description can't drift from the code.
 * Each operation lists the error codes it may answer (`x-error-codes`, and in
 * the 4XX description).
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export function openApiDocument(routes: AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const spec = r.spec;
    const path = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    const ok = String(spec.successStatus ?? 200);
    const content: Record<string, unknown> = {};
    if (spec.answer) content['application/json'] = { schema: jsonSchema(spec.answer, 'output') };
    for (const type of spec.produces ?? []) if (type !== 'application/json') content[type] = {};
    paths[path] ??= {};
    const errors = [...new Set([...spec.errors, ...impliedErrors(spec, r.rateLimit !== undefined)])];
    paths[path][spec.method.toLowerCase()] = {
      summary: spec.summary,
      tags: [spec.tag],
      'x-error-codes': errors,
      security: spec.access === 'public' ? [] : [{ bearer: [] }],
      parameters,
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [ok]: { description: 'success', ...(Object.keys(content).length ? { content } : {}) },
        '4XX': {
          description: `error.code is one of: ${errors.join(', ')}`,
          content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Resonate sync server',
      version,
      description:
        'Accounts, devices, catalog, credits and stream-to-own settlement. See docs/server-api.md.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
