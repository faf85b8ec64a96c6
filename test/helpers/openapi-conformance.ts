// Checks gateway answers against the gateway's own OpenAPI document.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import { GATEWAY_OPENAPI } from '../../api/app.js';

export async function gatewayConformance() {
  const doc = (await SwaggerParser.dereference(structuredClone(GATEWAY_OPENAPI) as never)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a dereferenced OpenAPI document walked by key
  const ajv = new Ajv({ strict: false, allErrors: true });
  return {
    doc,
    check(method: string, template: string, status: number, body: unknown): string[] {
      const op = doc.paths[template]?.[method.toLowerCase()];
      if (!op) return [`${method} ${template} is not documented`];
      const resp = op.responses[String(status)];
      if (!resp) return [`${method} ${template} ${status} is not documented`];
      const content = resp.content?.['application/json'] ?? resp.content?.['application/problem+json'];
      if (!content?.schema) return [];
      const v = ajv.compile(content.schema);
      return v(body) ? [] : (v.errors ?? []).map((e) => `${method} ${template} ${status}: ${e.instancePath} ${e.message}`);
    },
  };
}
