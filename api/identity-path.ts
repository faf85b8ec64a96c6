// The identity operation's path, found in the loaded OpenAPI documents by operationId.
import type { JsonSchema } from '../contracts/types.js';

export const IDENTITY_OPERATION = 'getIdentity';

export function identityPath(documents: JsonSchema[]): string {
  for (const doc of documents) {
    for (const [path, item] of Object.entries<JsonSchema>(doc.paths ?? {})) {
      if (item.get?.operationId === IDENTITY_OPERATION) return path;
    }
  }
  return '/v1/me';
}
