import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { dictionaries as admin } from '../../web/admin/i18n.js';
import { dictionaries as member } from '../../web/member/i18n.js';
import { detectLang, fill } from '../../web/shared/i18n.js';
import { NOT_MET_BY_THE_APPS, problemsEn, problemsRu } from '../../web/shared/problem-texts.js';
import { fieldName, fieldText, problemText } from '../../web/shared/problems.js';

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

describe('server problems in the user\'s language', () => {
  const catalogue = Object.keys(ERROR_CODES);
  test('every catalogue code the apps can meet has a translation in both languages', () => {
    const notMet = new Set<string>(NOT_MET_BY_THE_APPS);
    const missing = catalogue.filter((code) => !notMet.has(code) && !(code in problemsRu && code in problemsEn));
    assert.deepEqual(missing, [], 'translate these codes in web/shared/problem-texts.ts, or say in NOT_MET_BY_THE_APPS why the apps cannot meet them');
    for (const [code, text] of [...Object.entries(problemsRu), ...Object.entries(problemsEn)]) assert.ok(text.trim().length > 0, `${code} is empty`);
  });
  test('the dictionary and the list of codes the apps cannot meet name only codes that exist', () => {
    const clientCodes = ['NETWORK']; // made by web/shared/api.ts when the server cannot be reached
    assert.deepEqual(Object.keys(problemsRu).filter((c) => !catalogue.includes(c) && !clientCodes.includes(c)), []);
    assert.deepEqual(NOT_MET_BY_THE_APPS.filter((c) => !catalogue.includes(c)), []);
    assert.deepEqual(NOT_MET_BY_THE_APPS.filter((c) => c in problemsRu), [], 'a code is either translated or not met');
  });
  test('a problem reads by its code; an unknown code keeps the server\'s detail', () => {
    assert.equal(problemText({ code: 'IDENTIFIER_TAKEN', detail: 'phone +7… belongs to 0193…' }, 'ru'), 'Этот идентификатор уже принадлежит другому участнику.');
    assert.equal(problemText({ code: 'SOMETHING_NEW', detail: 'A new problem.' }, 'ru'), 'A new problem.');
  });
  test('a field error reads by its code when the code is about the field, else by the validator\'s sentence', () => {
    assert.equal(fieldText({ code: 'IDENTIFIER_TAKEN' }, 'already belongs to another member', 'ru'), 'Этот идентификатор уже принадлежит другому участнику.');
    assert.equal(fieldText({ code: 'VALIDATION_FAILED' }, 'must be <= 365', 'ru'), 'Не больше 365.');
    assert.equal(fieldText({ code: 'VALIDATION_FAILED' }, 'must NOT have more than 200 characters', 'ru'), 'Не длиннее 200 символов.');
    assert.equal(fieldText({ code: 'INVALID_RULES' }, 'an unheard-of sentence', 'ru'), 'an unheard-of sentence');
    assert.equal(fieldText({ code: 'VALIDATION_FAILED' }, 'must be <= 365', 'en'), 'must be <= 365');
  });
  test('a field is named by the last named part of its pointer, else shown as the pointer', () => {
    assert.equal(fieldName('/campaign/budget/warnAtPercent', 'ru'), 'Порог предупреждения');
    assert.equal(fieldName('/rules/campaigns/0/schedule/hours/0/to', 'en'), 'End');
    assert.equal(fieldName('querystring:/from', 'ru'), 'Начало');
    assert.equal(fieldName('/somethingNew', 'ru'), '/somethingNew');
  });
});
