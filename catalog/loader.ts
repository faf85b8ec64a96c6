// Reads an OpenAPI document without ever touching the network, and resolves `$ref`s lazily, one
// operation at a time, so a broken reference fails only the operations that use it (a published
// document with one dangling ref elsewhere stays usable). Relative file refs resolve from the folder
// of the document that contains them; remote refs (http/https, protocol-relative) are refused, never
// fetched; refs inside `example`/`examples` values are data and are left alone. Recursive schemas are
// unrolled to a bounded depth and then replaced by a described free-form object.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { load as loadYaml } from 'js-yaml';
import type { JsonSchema } from '../contracts/types.js';

/** How many times one schema may appear inside itself before it is cut off. */
export const RECURSION_DEPTH = 2;

export class RefError extends Error {
  constructor(readonly ref: string, message: string) {
    super(message);
    this.name = 'RefError';
  }
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref) || ref.startsWith('//');
}

function readDocument(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
}

function pointer(doc: unknown, fragment: string, ref: string): unknown {
  if (fragment === '' || fragment === '/') return doc;
  let node: unknown = doc;
  for (const raw of fragment.replace(/^\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as object))) throw new RefError(ref, `dangling $ref "${ref}": nothing at that location`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every remote `$ref` in a document, with whether it sits inside an example value. */
export function remoteRefs(doc: unknown): Array<{ ref: string; inExample: boolean }> {
  const found: Array<{ ref: string; inExample: boolean }> = [];
  const walk = (node: unknown, inExample: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inExample));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && isRemote(v)) found.push({ ref: v, inExample });
      else walk(v, inExample || k === 'example' || k === 'examples');
    }
  };
  walk(doc, false);
  return found;
}

export interface ResolveNotes {
  /** recursive schema refs that were cut off */
  recursive: Set<string>;
}

/** A parsed document and a resolver for its refs (files are read once, from disk only). */
export class OpenApiDocument {
  private readonly files = new Map<string, unknown>();

  private constructor(readonly file: string, readonly raw: JsonSchema) {
    this.files.set(file, raw);
  }

  static async open(file: string): Promise<OpenApiDocument> {
    const abs = resolve(file);
    // swagger-parser's parse() reads and checks the root document (openapi/swagger version, paths)
    // without resolving any $ref; resolution is ours, below, so it never goes to the network.
    const raw = (await SwaggerParser.parse(structuredClone(readDocument(abs)) as never)) as JsonSchema;
    return new OpenApiDocument(abs, raw);
  }

  get title(): string {
    return String(this.raw.info?.title ?? this.file);
  }

  private load(file: string, ref: string): unknown {
    if (!this.files.has(file)) {
      try {
        this.files.set(file, readDocument(file));
      } catch (e) {
        throw new RefError(ref, `dangling $ref "${ref}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message.split('\n')[0]}`);
      }
    }
    return this.files.get(file);
  }

  /**
   * A copy of `node` (found in `inFile`) with every $ref replaced by its target. Throws RefError on
   * a remote or dangling ref. Recursion beyond RECURSION_DEPTH becomes a described free-form object.
   */
  resolve(node: unknown, notes: ResolveNotes, inFile: string = this.file, stack: string[] = []): unknown {
    if (Array.isArray(node)) return node.map((n) => this.resolve(n, notes, inFile, stack));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const ref = obj.$ref;
      if (isRemote(ref)) throw new RefError(ref, `external $ref refused (the catalog never downloads): "${ref}"`);
      const [filePart, fragment = ''] = ref.split('#', 2) as [string, string?];
      const targetFile = filePart ? resolve(dirname(inFile), decodeURIComponent(filePart.replace(/^file:(\/\/)?/i, ''))) : inFile;
      const key = `${targetFile}#${fragment}`;
      const seen = stack.filter((s) => s === key).length;
      const name = fragment.split('/').pop() || ref;
      if (seen >= RECURSION_DEPTH) {
        notes.recursive.add(ref);
        return { type: 'object', description: `${name} (recursive; not expanded further)`, 'x-recursive': name };
      }
      const target = pointer(this.load(targetFile, ref), fragment, ref);
      const { $ref: _r, ...siblings } = obj;
      const resolved = this.resolve(target, notes, targetFile, [...stack, key]);
      // OpenAPI 3.1 allows siblings beside $ref (description, …); they win over the target's.
      return Object.keys(siblings).length && resolved && typeof resolved === 'object' && !Array.isArray(resolved)
        ? { ...(resolved as object), ...(this.resolve(siblings, notes, inFile, stack) as object) }
        : resolved;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      // example values are data, not schema: never resolved (a $ref in them may point anywhere)
      out[k] = k === 'example' || k === 'examples' ? v : this.resolve(v, notes, inFile, stack);
    }
    return out;
  }
}

/**
 * OpenAPI 3.0's `nullable: true` beside allOf/oneOf/anyOf and no `type` (how generated documents
 * such as OCTO's mark optional references) is not JSON Schema, and ajv refuses it: rewrite it as
 * anyOf [the schema, null]. Example values are left alone.
 */
export function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseNullable);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : normaliseNullable(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, description, ...rest } = out;
    return { ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: 'null' }] };
  }
  return out;
}
