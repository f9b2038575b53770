import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { dictionaries as admin } from '../../web/admin/i18n.js';
import { dictionaries as member } from '../../web/member/i18n.js';
import { detectLang, fill } from '../../web/shared/i18n.js';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.tsx$/.test(e.name)) yield p;
  }
}

const READABLE_ATTRIBUTES = new Set(['placeholder', 'title', 'alt', 'aria-label', 'label']);

/**
 * Text a person would read that is written into a component instead of coming from the
 * dictionary: JSX text with letters, and readable attributes (placeholder, title, alt,
 * aria-label, label) given as string literals. Parsed with the TypeScript compiler, so generics
 * and comparisons are not mistaken for markup.
 */
export function literalStrings(source: string): string[] {
  const found: string[] = [];
  const file = ts.createSourceFile('x.tsx', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.push(node.text.trim().replace(/\s+/g, ' '));
    if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer) && READABLE_ATTRIBUTES.has(node.name.getText()) && /\p{L}/u.test(node.initializer.text)) {
      found.push(`${node.name.getText()}="${node.initializer.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

for (const [app, dicts] of [
  ['member app', member],
  ['admin panel', admin],
] as const) {
  describe(`${app}: both languages are complete`, () => {
    test('Russian and English have the same keys, none empty', () => {
      const ru = Object.keys(dicts.ru).sort();
      const en = Object.keys(dicts.en).sort();
      assert.deepEqual(en, ru);
      for (const lang of ['ru', 'en'] as const) {
        for (const [k, v] of Object.entries(dicts[lang])) assert.ok((v as string).trim().length > 0, `${lang} ${k} is empty`);
      }
    });
    test('a translation keeps the placeholders of the original', () => {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [k, v] of Object.entries(dicts.ru)) assert.deepEqual(names(dicts.en[k as keyof typeof dicts.en]), names(v as string), k);
    });
  });
}

test('no component renders a string that is not in the dictionary', () => {
  const offenders: string[] = [];
  for (const file of sources(WEB)) {
    for (const s of literalStrings(readFileSync(file, 'utf8'))) offenders.push(`${path.relative(WEB, file)}: ${s}`);
  }
  assert.deepEqual(offenders, []);
});

test('the literal-string check catches text and readable attributes', () => {
  assert.deepEqual(literalStrings('<p>Hello {name}</p><input placeholder="Phone" /><b>{t("x")}</b><i> * </i>'), ['Hello', 'placeholder="Phone"']);
  assert.deepEqual(literalStrings('const a = f<Key>(x) > 1 ? b : c; const e = <p>Привет</p>;'), ['Привет']);
  assert.deepEqual(literalStrings('const s = useState<Me | null>(null); const e = <input type="tel" />;'), []);
});

test('the language follows the browser, Russian when it asks for it, and a choice is remembered', () => {
  assert.equal(detectLang(null, ['ru-RU', 'en-US']), 'ru');
  assert.equal(detectLang(null, ['de-DE', 'en-US', 'ru']), 'en');
  assert.equal(detectLang(null, ['de-DE']), 'en');
  assert.equal(detectLang('ru', ['en-US']), 'ru');
  assert.equal(detectLang('xx', ['ru']), 'ru');
  assert.equal(fill('Hello, {name}: {n}', { name: 'Анна', n: 3 }), 'Hello, Анна: 3');
});
