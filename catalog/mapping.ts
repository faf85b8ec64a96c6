// Capture/compensation/change mappings are JSONata expressions over {params, before, result,
// context}. This module evaluates them and checks, statically, that every path they read exists in
// the schema of the thing it reads.
import jsonata from 'jsonata';
import type { JsonSchema } from '../contracts/types.js';

type Roots = Partial<Record<'params' | 'before' | 'result' | 'context', JsonSchema | undefined>>;

const compiled = new Map<string, ReturnType<typeof jsonata>>();
function compile(expr: string) {
  let c = compiled.get(expr);
  if (!c) {
    c = jsonata(expr);
    compiled.set(expr, c);
  }
  return c;
}

export async function evaluate(expr: string, input: Record<string, unknown>): Promise<unknown> {
  return compile(expr).evaluate(input);
}

/** Evaluates a mapping of param → expression; params evaluating to undefined are left out. */
export async function evaluateMapping(mapping: Record<string, string>, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, expr] of Object.entries(mapping)) {
    const v = await evaluate(expr, input);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The schema of property `name` of `schema`; undefined: unknown (cannot check); null: absent. */
function propertyOf(schema: JsonSchema | undefined, name: string): JsonSchema | undefined | null {
  if (!schema) return undefined; // unknown shape: cannot check deeper
  let s = schema;
  while (s.type === 'array' && s.items) s = s.items;
  // composed schemas: allOf parts all apply; a oneOf/anyOf branch may be the one present
  const parts: JsonSchema[] = [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  if (parts.length) {
    const own = s.properties?.[name];
    if (own) return own;
    const found = parts.map((p) => propertyOf(p, name));
    const hit = found.find((f) => f !== null && f !== undefined);
    if (hit) return hit;
    if (found.some((f) => f === undefined)) return undefined;
    if (!s.properties && !s.additionalProperties) return null;
  }
  if (s.properties) return s.properties[name] ?? (s.additionalProperties && typeof s.additionalProperties === 'object' ? s.additionalProperties : s.additionalProperties === true ? undefined : null);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties;
  return s.type === 'object' || s.additionalProperties === true || s['x-recursive'] ? undefined : null;
}

/** Whether a dot path (a.b.c) can exist in a schema. */
export function schemaHasPath(schema: JsonSchema | undefined, path: string): boolean {
  let s: JsonSchema | undefined | null = schema;
  for (const step of path.split('.')) {
    s = propertyOf(s ?? undefined, step);
    if (s === null) return false;
    if (s === undefined) return true;
  }
  return true;
}

export function mappingProblems(expr: string, roots: Roots): string[] {
  let ast: unknown;
  try {
    ast = compile(expr).ast();
  } catch (e) {
    return [`not a valid JSONata expression: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; steps?: Array<{ type: string; value: unknown }> };
    if (n.type === 'path' && n.steps) {
      let steps = n.steps;
      if (steps[0]?.type === 'variable' && (steps[0].value === '$' || steps[0].value === '')) steps = steps.slice(1);
      const root = steps[0];
      if (root?.type === 'name' && typeof root.value === 'string' && root.value in roots) {
        let schema: JsonSchema | undefined | null = roots[root.value as keyof Roots];
        const trail = [root.value];
        if (schema === undefined && roots[root.value as keyof Roots] === undefined) {
          problems.push(`mapping reads "${root.value}" but there is no schema for it (missing capture or response schema)`);
        } else {
          for (const step of steps.slice(1)) {
            if (step.type !== 'name' || typeof step.value !== 'string') break;
            trail.push(step.value);
            schema = propertyOf(schema ?? undefined, step.value);
            if (schema === null) {
              problems.push(`mapping path "${trail.join('.')}" does not exist in the schema`);
              break;
            }
            if (schema === undefined) break;
          }
        }
      }
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object') visit(v);
  };
  visit(ast);
  return [...new Set(problems)];
}
