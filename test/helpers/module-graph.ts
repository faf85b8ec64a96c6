// The runtime module graph of an entry point, read with the TypeScript compiler API (no bundling, no
// Temporal): the project's own files reached by value imports (type-only imports are erased at run
// time, so they are not followed), the packages those files import, and every package those
// packages can load in turn (their declared dependencies, transitively).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';

export interface ModuleGraph {
  /** project files, relative to the root ('api/main.ts') */
  files: Set<string>;
  /** packages imported by project files */
  packages: Set<string>;
  /** packages reachable from `packages` through declared dependencies (`packages` included) */
  packageClosure: Set<string>;
}

const BUILTINS = new Set(builtinModules);

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** An import whose every binding is a type is erased; so is `import type` / `export type`. */
function erased(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const c = node.exportClause;
    return !!c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const b = clause.namedBindings;
  return !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

/** Module specifiers a file loads at run time: value imports, re-exports, import() and require() with a literal. */
export function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!erased(node)) specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

/** Node's lookup: node_modules/<name>/package.json in `from` or any directory above it. */
function findPackageJson(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function packageClosure(roots: Set<string>, root: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots].map((name) => ({ name, from: root }));
  while (queue.length) {
    const { name, from } = queue.pop()!;
    const pj = findPackageJson(name, from);
    // an optional or peer dependency that is not installed cannot be loaded
    if (!pj || seen.has(pj)) continue;
    seen.add(pj);
    const meta = JSON.parse(readFileSync(pj, 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...meta.dependencies, ...meta.optionalDependencies, ...meta.peerDependencies };
    for (const dep of Object.keys(deps)) queue.push({ name: dep, from: dirname(pj) });
  }
  return new Set([...seen].map((pj) => (JSON.parse(readFileSync(pj, 'utf8')) as { name: string }).name));
}

export function moduleGraph(entry: string, root: string): ModuleGraph {
  const tsconfig = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, root);
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length) {
    const file = queue.pop()!;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of runtimeSpecifiers(file)) {
      if (spec.startsWith('node:') || BUILTINS.has(spec)) continue;
      if (!spec.startsWith('.') && !spec.startsWith('/')) {
        packages.add(packageName(spec));
        continue;
      }
      const resolved = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      if (!resolved) throw new Error(`${rel}: cannot resolve '${spec}'`);
      // JSON and other non-code files end the walk
      if (/\.(c|m)?(t|j)sx?$/.test(resolved.resolvedFileName) && !resolved.resolvedFileName.endsWith('.d.ts')) queue.push(resolved.resolvedFileName);
    }
  }
  return { files, packages, packageClosure: packageClosure(packages, root) };
}
