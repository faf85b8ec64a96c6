// OpenAPI 3 parameter serialisation (style/explode) for path, query and header values. Published
// APIs differ here (OCTO and others take repeated query keys; some take comma lists or
// deepObject filters), so the document's declaration decides, never a default of ours.
import type { ParamLocation } from '../contracts/types.js';

type Scalar = string | number | boolean;

const enc = (v: unknown) => encodeURIComponent(String(v));
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function defaultStyle(loc: ParamLocation): string {
  return loc === 'query' ? 'form' : 'simple';
}

/** Pairs of a value: [k, v] for objects, [undefined, v] for array items and scalars. */
function entries(value: unknown): Array<[string | undefined, Scalar]> {
  if (Array.isArray(value)) return value.map((v) => [undefined, v as Scalar]);
  if (isObject(value)) return Object.entries(value).map(([k, v]) => [k, v as Scalar]);
  return [[undefined, value as Scalar]];
}

/** A path segment value (already percent-encoded), for `{name}`. */
export function serializePath(name: string, value: unknown, style = 'simple', explode = false): string {
  const parts = entries(value);
  const object = isObject(value);
  const flat = (sep: string, kv: string) => parts.map(([k, v]) => (object ? (explode ? `${enc(k)}${kv}${enc(v)}` : `${enc(k)},${enc(v)}`) : enc(v))).join(sep);
  switch (style) {
    case 'label':
      return `.${flat(explode ? '.' : ',', '=')}`;
    case 'matrix':
      if (!Array.isArray(value) && !object) return `;${enc(name)}=${enc(value)}`;
      if (explode) return parts.map(([k, v]) => `;${enc(object ? k : name)}=${enc(v)}`).join('');
      return `;${enc(name)}=${flat(',', '=')}`;
    default:
      return flat(',', '=');
  }
}

/** A header value (headers are not percent-encoded). */
export function serializeHeader(value: unknown, explode = false): string {
  const parts = entries(value);
  if (isObject(value)) return parts.map(([k, v]) => (explode ? `${k}=${v}` : `${k},${v}`)).join(',');
  return parts.map(([, v]) => String(v)).join(',');
}

/** Query-string pieces (`name=value`, percent-encoded) for one parameter. */
export function serializeQuery(name: string, value: unknown, style = 'form', explode = style === 'form'): string[] {
  const parts = entries(value);
  const object = isObject(value);
  if (style === 'deepObject') return parts.map(([k, v]) => `${enc(name)}%5B${enc(k)}%5D=${enc(v)}`);
  if (!Array.isArray(value) && !object) return [`${enc(name)}=${enc(value)}`];
  if (explode && (style === 'form' || !Array.isArray(value))) return parts.map(([k, v]) => `${enc(object ? k : name)}=${enc(v)}`);
  const sep = style === 'spaceDelimited' ? '%20' : style === 'pipeDelimited' ? '|' : ',';
  return [`${enc(name)}=${parts.map(([k, v]) => (object ? `${enc(k)}${sep}${enc(v)}` : enc(v))).join(sep)}`];
}

export function serializeFor(loc: ParamLocation, name: string, value: unknown, style?: string, explode?: boolean): string | string[] {
  const s = style ?? defaultStyle(loc);
  if (loc === 'path') return serializePath(name, value, s, explode ?? false);
  if (loc === 'header') return serializeHeader(value, explode ?? false);
  return serializeQuery(name, value, s, explode ?? s === 'form');
}
