// Overlay `set` on request-body fields: a top-level property, or a dotted path inside one
// (`metadata.channel`). Published documents often have required map-shaped fields (an object with
// `additionalProperties` and no listed properties) that the model must never be shown; `set` (or a
// schema default) fills them instead. All values under one top-level property are merged into the
// one value sent for it, and that value is checked against the document's schema for it.
import type { Ajv } from 'ajv';
import type { FixedParam, JsonSchema } from '../contracts/types.js';
import { schemaHasPath } from './mapping.js';

type Report = (field: string, message: string) => void;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): boolean {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (node[k] === undefined) node[k] = {};
    if (!isPlainObject(node[k])) return false;
    node = node[k] as Record<string, unknown>;
  }
  if (node[keys[keys.length - 1]!] !== undefined) return false;
  node[keys[keys.length - 1]!] = value;
  return true;
}

/**
 * The fixed body values for `sets` ([path, value] in overlay order). `schemas`: the top-level body
 * properties' schemas; `body`: the whole body schema (for path checks).
 */
export function bodySetValues(sets: Array<[string, unknown]>, body: JsonSchema | undefined, schemas: Map<string, JsonSchema>, ajv: Ajv, at: Report): FixedParam[] {
  const merged = new Map<string, unknown>();
  for (const [path, value] of sets) {
    const [top, ...rest] = path.split('.') as [string, ...string[]];
    if (rest.length && !schemaHasPath(body, path)) {
      at(`set.${path}`, `the request body has no property "${path}"`);
      continue;
    }
    if (!rest.length) {
      if (merged.has(top)) at(`set.${path}`, `"${top}" is set more than once`);
      else merged.set(top, value);
      continue;
    }
    const current = merged.get(top) ?? {};
    if (!isPlainObject(current) || !setPath(current, rest, value)) at(`set.${path}`, `"${path}" overlaps another set value of "${top}"`);
    else merged.set(top, current);
  }
  const fixed: FixedParam[] = [];
  for (const [wireName, value] of merged) {
    const schema = schemas.get(wireName);
    try {
      const validate = ajv.compile(schema ?? {});
      // (a refused value is still the field's filler: one problem, not a second "not filled" one)
      if (!validate(value)) at(`set.${wireName}`, `the value does not match the document's schema: ${(validate.errors ?? []).map((e) => `${wireName}${e.instancePath.replace(/\//g, '.')} ${e.message}`).join('; ')}`);
    } catch (e) {
      at(`set.${wireName}`, `schema cannot be compiled: ${(e as Error).message.split('\n')[0]}`);
    }
    fixed.push({ wireName, in: 'body', value });
  }
  return fixed;
}
