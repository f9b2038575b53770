/**
 * The layering check (docs/adr/0027-layering-check.md): which folder of src/ may import what.
 *
 *   src/domain  imports only src/domain and the pure libraries in PURE_PACKAGES        (domain-pure)
 *   src/app     imports no `kysely` and builds no SQL: no `sql` tag, no query builder   (app-no-sql)
 *   src/http, src/cli, src/jobs  import nothing from src/store (nor `kysely`): they go through src/app
 *                                                                                      (edge-through-app)
 *   src/app/purchases  imports nothing from src/app/rules: the hot path sits below the campaign
 *                      admin, simulation and tier jobs that build on it           (purchase-path-first)
 *
 * Run it with `npx tsx scripts/check-layers.ts [root]` (scripts/test.sh does, after eslint); it prints
 * one line per broken rule — file:line, what it imports or builds, the rule — and exits 1 when any.
 * test/unit/layering.test.ts runs checkLayers() on a fixture that breaks every rule and on src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type LayerRule = 'domain-pure' | 'app-no-sql' | 'edge-through-app' | 'purchase-path-first';

export interface Violation {
  /** The offending file, relative to the root, with forward slashes: `src/app/members.ts`. */
  file: string;
  line: number;
  /** An import, or SQL built in place. */
  kind: 'import' | 'sql';
  /** What it imports (the specifier as written) or builds (`sql\`…\``, `.selectFrom(…)`). */
  what: string;
  rule: LayerRule;
  /** Why the rule exists, in a few words, for the printed line. */
  reason: string;
}

/**
 * npm packages src/domain may import: libraries that compute and touch no I/O, no database, no
 * network and no global state. `node:crypto` is here for HMAC signatures (outbox) and the random
 * bytes of coupon codes — the domain's only source of chance, passed nowhere else. Everything else
 * (node:fs, fastify, kysely, …) stays outside the domain. A subpath of a listed package
 * (`typebox/value`) counts as the package.
 */
export const PURE_PACKAGES: readonly string[] = ['luxon', 'typebox', 'libphonenumber-js', 'node:crypto'];

/**
 * Files that may break the rules for now, as paths relative to the root (a trailing `/**` takes a
 * whole folder). Every other file must pass without exception.
 */
export const TEMPORARY_EXCEPTIONS: readonly string[] = [
  // The rewrite's other files (src/app/rules/tier-reviews.ts, member-tier.ts, simulate.ts; the
  // store files, which no rule restricts) already keep the layering, so they need no exception.
];

/** Kysely's query builder entry points: calling one of these is building SQL. */
const QUERY_BUILDERS = new Set(['selectFrom', 'selectNoFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto', 'executeQuery']);

const REASONS: Record<LayerRule, string> = {
  'domain-pure': 'src/domain imports only src/domain and the pure libraries ' + PURE_PACKAGES.join(', '),
  'app-no-sql': 'SQL and Kysely live in src/store; src/app calls store functions and uses the store\'s Db/Tx types',
  'edge-through-app': 'src/http, src/cli and src/jobs go through src/app, never src/store or kysely',
  'purchase-path-first': 'src/app/purchases (the hot path) does not import src/app/rules, which builds on it',
};

type Layer = 'domain' | 'app' | 'store' | 'http' | 'cli' | 'jobs' | 'other';

/** The layer of a path relative to the root: `src/app/x.ts` → app. */
function layerOf(rel: string): Layer {
  const m = /^src\/([^/]+)\//.exec(rel);
  const top = m?.[1];
  return top === 'domain' || top === 'app' || top === 'store' || top === 'http' || top === 'cli' || top === 'jobs' ? top : 'other';
}

function isExcepted(rel: string, exceptions: readonly string[]): boolean {
  return exceptions.some((e) => (e.endsWith('/**') ? rel.startsWith(e.slice(0, -2)) : rel === e));
}

function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every *.ts file under dir, relative to root. */
function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(root, rel));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out.sort();
}

interface Found {
  line: number;
  kind: 'import' | 'sql';
  /** For an import: the specifier; for SQL: what was built. */
  text: string;
  /** For an import: the names it binds (to catch `sql` re-exported from elsewhere). */
  names?: string[];
}

/** The imports (static, type-only, re-exports, `import()` and `import('x').T`) and SQL built in one file. */
function scan(fileName: string, text: string): Found[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Found[] = [];
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const names: string[] = [];
      const clause = node.importClause;
      if (clause?.name) names.push(clause.name.text);
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const el of clause.namedBindings.elements) names.push((el.propertyName ?? el.name).text);
      }
      found.push({ line: lineOf(node), kind: 'import', text: node.moduleSpecifier.text, names });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const names = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements.map((el) => (el.propertyName ?? el.name).text) : [];
      found.push({ line: lineOf(node), kind: 'import', text: node.moduleSpecifier.text, names });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ line: lineOf(node), kind: 'import', text: node.moduleReference.expression.text });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      found.push({ line: lineOf(node), kind: 'import', text: arg && ts.isStringLiteralLike(arg) ? arg.text : '(a computed import)' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ line: lineOf(node), kind: 'import', text: node.argument.literal.text });
    } else if (ts.isTaggedTemplateExpression(node)) {
      let tag: ts.Expression = node.tag;
      while (ts.isPropertyAccessExpression(tag)) tag = tag.expression;
      if (ts.isIdentifier(tag) && tag.text === 'sql') found.push({ line: lineOf(node), kind: 'sql', text: 'sql`…`' });
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && QUERY_BUILDERS.has(node.expression.name.text)) {
      found.push({ line: lineOf(node), kind: 'sql', text: `.${node.expression.name.text}(…)` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Check the layering of the tree at root (a repository, or a fixture shaped like one: src/domain,
 * src/app, src/store, src/http, src/cli, src/jobs). Returns the violations, sorted by file and line; files
 * matched by exceptions are skipped.
 */
export function checkLayers(root: string, options: { exceptions?: readonly string[] } = {}): Violation[] {
  const exceptions = options.exceptions ?? TEMPORARY_EXCEPTIONS;
  const violations: Violation[] = [];
  for (const file of sourceFiles(root, 'src')) {
    const layer = layerOf(file);
    if (layer === 'store' || layer === 'other') continue;
    if (isExcepted(file, exceptions)) continue;
    const add = (f: Found, what: string, rule: LayerRule): void => {
      violations.push({ file, line: f.line, kind: f.kind, what, rule, reason: REASONS[rule] });
    };
    for (const f of scan(file, readFileSync(path.join(root, file), 'utf8'))) {
      if (f.kind === 'sql') {
        if (layer === 'app') add(f, f.text, 'app-no-sql');
        continue;
      }
      const relative = f.text.startsWith('.');
      const target = relative ? path.posix.normalize(path.posix.join(path.posix.dirname(file), f.text)) : null;
      const targetLayer = target ? layerOf(target) : null;
      const isKysely = !relative && packageOf(f.text) === 'kysely';
      if (layer === 'domain') {
        const inside = target ? target.startsWith('src/domain/') : PURE_PACKAGES.includes(packageOf(f.text));
        if (!inside) add(f, f.text, 'domain-pure');
      } else if (layer === 'app') {
        if (isKysely) add(f, f.text, 'app-no-sql');
        else if (f.names?.includes('sql')) add(f, `{ sql } from '${f.text}'`, 'app-no-sql');
        if (file.startsWith('src/app/purchases/') && target?.startsWith('src/app/rules/')) add(f, f.text, 'purchase-path-first');
      } else if (isKysely || targetLayer === 'store') {
        add(f, f.text, 'edge-through-app');
      }
    }
  }
  return violations;
}

/** One line per violation: `src/app/x.ts:3 imports 'kysely' — app-no-sql: …`. */
export function formatViolation(v: Violation): string {
  const what = v.kind === 'sql' ? `builds SQL with ${v.what}` : `imports ${v.what.startsWith('{') ? v.what : `'${v.what}'`}`;
  return `${v.file}:${v.line} ${what} — breaks ${v.rule}: ${v.reason}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const violations = checkLayers(root);
  for (const v of violations) console.error(formatViolation(v));
  if (violations.length > 0) {
    console.error(`check-layers: ${violations.length} import(s) break the layering (docs/architecture.md#layering)`);
    process.exit(1);
  }
  console.error('check-layers: the layering holds');
}
