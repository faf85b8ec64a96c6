// Compile a dereferenced JSON Schema into the subset Gemini function declarations accept
// (the legacy `parameters` form, an OpenAPI 3.0 subset): one `type` per schema with `nullable`,
// string-only enums, no $ref/$defs/oneOf/allOf/const/additionalProperties. Constraints Gemini
// ignores are moved into the description so the model still reads them; the server side validates
// arguments against the full original schema with ajv.
import type { JsonSchema } from '../contracts/types.js';

const KEPT_FORMATS: Record<string, string[]> = { string: ['date-time', 'enum'], integer: ['int32', 'int64'], number: ['float', 'double'] };
const CONSTRAINTS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'multipleOf', 'minProperties', 'maxProperties', 'uniqueItems', 'default'];

export const GEMINI_TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export function mergeAllOf(schema: JsonSchema): JsonSchema {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: JsonSchema = { ...rest };
  for (const part of allOf.map(mergeAllOf)) {
    for (const [k, v] of Object.entries(part)) {
      if (k === 'properties') merged.properties = { ...(merged.properties ?? {}), ...(v as object) };
      else if (k === 'required') merged.required = [...new Set([...(merged.required ?? []), ...(v as string[])])];
      else if (k === 'description' && merged.description) merged.description = `${merged.description} ${v}`;
      else if (merged[k] === undefined) merged[k] = v;
    }
  }
  return merged;
}

function isObjectLike(s: JsonSchema): boolean {
  return s.type === 'object' || (s.type === undefined && (s.properties !== undefined || Array.isArray(s.allOf)));
}

function variantLabel(s: JsonSchema): string {
  return s.title ?? `{${Object.keys(s.properties ?? {}).join(', ')}}`;
}

/**
 * A top-level oneOf/anyOf of objects flattened into one object whose properties are all the
 * branches' (required only when every branch requires it), with the variants named in the
 * description. Anything else is returned as it is.
 */
export function flattenUnion(schema: JsonSchema): JsonSchema {
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (!Array.isArray(schema[key])) continue;
    const branches = (schema[key] as JsonSchema[]).map(mergeAllOf).filter((b) => b.type !== 'null');
    if (branches.length < 2 || !branches.every(isObjectLike)) continue; // one branch (+ null): nullable, below
    const { [key]: _drop, ...rest } = schema;
    const properties: Record<string, JsonSchema> = { ...(rest.properties ?? {}) };
    for (const b of branches) for (const [k, v] of Object.entries<JsonSchema>(b.properties ?? {})) properties[k] ??= v;
    const required = [...(rest.required ?? []), ...Object.keys(properties).filter((k) => branches.every((b) => (b.required ?? []).includes(k)))];
    const note = `Exactly ${key === 'oneOf' ? 'one' : 'one or more'} of these shapes: ${branches.map(variantLabel).join(' | ')}.`;
    return {
      ...rest,
      type: 'object',
      properties,
      ...(required.length ? { required: [...new Set(required)] } : {}),
      ...((schema[key] as JsonSchema[]).some((b) => b.type === 'null') ? { nullable: true } : {}),
      description: [rest.description, note].filter(Boolean).join(' '),
    };
  }
  return schema;
}

function describeConstraints(schema: JsonSchema, droppedFormat?: string): string {
  const notes: string[] = [];
  for (const c of CONSTRAINTS) if (schema[c] !== undefined) notes.push(`${c} ${JSON.stringify(schema[c])}`);
  if (droppedFormat) notes.push(`format ${droppedFormat}`);
  return notes.length ? `(${notes.join(', ')})` : '';
}

export function toGeminiSchema(input: JsonSchema): JsonSchema {
  let schema = flattenUnion(mergeAllOf(input));
  // Other unions are never collapsed silently: consts become an enum, one real branch (plus null)
  // becomes that branch, nullable; mixed branches become a string that names every branch.
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key])) {
      const branches: JsonSchema[] = schema[key];
      const { [key]: _drop, ...rest } = schema;
      const nonNull = branches.filter((b) => b.type !== 'null').map(mergeAllOf);
      const nullable = nonNull.length < branches.length ? { nullable: true } : {};
      if (nonNull.every((b) => b.const !== undefined)) {
        schema = { ...rest, type: 'string', enum: nonNull.map((b) => String(b.const)), ...nullable };
      } else if (nonNull.length === 1) {
        schema = { ...rest, ...nonNull[0], ...(rest.description ? { description: rest.description } : {}), ...nullable };
      } else {
        const kinds = nonNull.map((b) => b.title ?? b.format ?? b.type ?? 'value').join(' or ');
        schema = { ...rest, type: 'string', description: [rest.description, `One of: ${kinds} (send the value as text).`].filter(Boolean).join(' '), ...nullable };
      }
    }
  }
  const out: JsonSchema = {};
  let type = schema.type;
  let nullable = schema.nullable === true;
  if (Array.isArray(type)) {
    nullable = nullable || type.includes('null');
    type = type.find((t: string) => t !== 'null') ?? 'string';
  }
  if (schema.const !== undefined) {
    out.type = 'string';
    out.enum = [String(schema.const)];
  } else if (Array.isArray(schema.enum)) {
    out.type = 'string';
    out.enum = schema.enum.filter((e: unknown) => e !== null).map((e: unknown) => String(e));
    if (schema.enum.includes(null)) nullable = true;
  } else {
    out.type = type ?? (schema.properties ? 'object' : 'string');
  }
  let droppedFormat: string | undefined;
  if (typeof schema.format === 'string') {
    if (KEPT_FORMATS[out.type]?.includes(schema.format)) out.format = schema.format;
    else droppedFormat = schema.format;
  }
  const description = [schema.description, describeConstraints(schema, droppedFormat)].filter(Boolean).join(' ');
  if (description) out.description = description;
  if (nullable) out.nullable = true;
  if (out.type === 'object') {
    const props = schema.properties ?? {};
    const req: string[] = (schema.required ?? []).filter((r: string) => r in props);
    const compiled = Object.entries(props).map(([k, v]) => [k, toGeminiSchema(v as JsonSchema)] as const);
    // Gemini rejects objects without properties: an optional free-form member is left out of the
    // model's view (named in the description); a required one stays and lint reports it.
    const freeForm = compiled.filter(([k, v]) => (isFreeForm(v) || (v.type === 'array' && isFreeForm(v.items))) && !req.includes(k)).map(([k]) => k);
    out.properties = Object.fromEntries(compiled.filter(([k]) => !freeForm.includes(k)));
    if (freeForm.length) out.description = [out.description, `(free-form ${freeForm.join(', ')} not settable here)`].filter(Boolean).join(' ');
    if (req.length) out.required = req;
  }
  if (out.type === 'array') {
    out.items = toGeminiSchema(schema.items ?? { type: 'string' });
    if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
    if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
  }
  return out;
}

const ALLOWED_KEYS = new Set(['type', 'format', 'description', 'nullable', 'enum', 'properties', 'required', 'items', 'minItems', 'maxItems']);
const ALLOWED_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

function isFreeForm(s: JsonSchema): boolean {
  return s.type === 'object' && Object.keys(s.properties ?? {}).length === 0;
}

/** A document schema that compiles to an object without properties (a map, or any object): the model cannot be shown it. */
export function isFreeFormSchema(schema: JsonSchema | undefined): boolean {
  try {
    return !!schema && isFreeForm(toGeminiSchema(schema));
  } catch {
    return false;
  }
}

/** Problems Gemini would reject in a compiled schema; empty when it is acceptable. */
export function geminiSchemaProblems(schema: JsonSchema, at = '$'): string[] {
  const problems: string[] = [];
  if (at !== '$' && isFreeForm(schema)) problems.push(`${at}: free-form object (no properties) is rejected by Gemini; leave it out of params, or describe its properties in the document`);
  for (const key of Object.keys(schema)) if (!ALLOWED_KEYS.has(key)) problems.push(`${at}: keyword "${key}" is not accepted by Gemini`);
  if (!ALLOWED_TYPES.has(schema.type)) problems.push(`${at}: type ${JSON.stringify(schema.type)} is not a single Gemini type`);
  if (schema.enum && (!Array.isArray(schema.enum) || schema.enum.some((e: unknown) => typeof e !== 'string'))) problems.push(`${at}: enum must hold strings only`);
  if (schema.format && !(KEPT_FORMATS[schema.type] ?? []).includes(schema.format)) problems.push(`${at}: format "${schema.format}" is not supported for ${schema.type}`);
  for (const [k, v] of Object.entries(schema.properties ?? {})) problems.push(...geminiSchemaProblems(v as JsonSchema, `${at}.${k}`));
  if (schema.items) problems.push(...geminiSchemaProblems(schema.items, `${at}[]`));
  return problems;
}
