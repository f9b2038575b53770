import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agreementsInForce, checkDocumentText, decideAcceptances, decideWithdrawal, type AgreementEvent } from '../../src/domain/agreements.js';
import { DomainError } from '../../src/domain/errors.js';

const published = new Map([
  ['rules', 3],
  ['personal_data', 1],
] as const);
const exists = (kind: string, version: number) => version >= 1 && version <= (published.get(kind as 'rules') ?? 0);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? { code: e.code, errors: e.errors } : e;
  }
  return null;
};

describe('accepting the program texts', () => {
  test('a version left out is the one published now; a named earlier version is kept as named', () => {
    assert.deepEqual(decideAcceptances([{ kind: 'rules', version: 2 }, { kind: 'personal_data' }], published, ['rules', 'personal_data'], exists), [
      { kind: 'rules', version: 2 },
      { kind: 'personal_data', version: 1 },
    ]);
  });

  test('a required published text that is missing refuses the enrolment', () => {
    assert.deepEqual(code(() => decideAcceptances([{ kind: 'rules' }], published, ['rules', 'personal_data'], exists)), {
      code: 'AGREEMENT_REQUIRED',
      errors: [{ pointer: '/agreements', detail: 'must accept personal_data' }],
    });
  });

  test('a requirement counts only once its text is published; an unpublished text or version cannot be accepted', () => {
    const onlyRules = new Map([['rules', 1]] as const);
    assert.deepEqual(decideAcceptances([{ kind: 'rules' }], onlyRules, ['rules', 'personal_data'], exists), [{ kind: 'rules', version: 1 }]);
    assert.deepEqual(code(() => decideAcceptances([{ kind: 'personal_data' }, { kind: 'rules', version: 7 }, { kind: 'rules' }], onlyRules, [], exists)), {
      code: 'VALIDATION_FAILED',
      errors: [
        { pointer: '/agreements/0/kind', detail: 'the program has not published this text' },
        { pointer: '/agreements/1/version', detail: 'no version 7 was published (the latest is 1)' },
      ],
    });
  });
});

describe('the history of a member', () => {
  const at = (d: number) => new Date(Date.UTC(2026, 0, d));
  const history: AgreementEvent[] = [
    { kind: 'rules', version: 1, action: 'accepted', channel: 'till', at: at(1) },
    { kind: 'personal_data', version: 1, action: 'accepted', channel: 'till', at: at(1) },
    { kind: 'personal_data', version: 1, action: 'withdrawn', channel: 'app', at: at(5) },
    { kind: 'rules', version: 3, action: 'accepted', channel: 'app', at: at(9) },
  ];

  test('in force is the last word per text: a withdrawal ends it, a later acceptance replaces the version', () => {
    assert.deepEqual(agreementsInForce(history), [{ kind: 'rules', version: 3, acceptedAt: at(9), channel: 'app' }]);
  });

  test('a withdrawal needs an acceptance in force, and names its version', () => {
    assert.deepEqual(decideWithdrawal(history, 'rules'), { kind: 'rules', version: 3 });
    assert.deepEqual(code(() => decideWithdrawal(history, 'personal_data')), { code: 'AGREEMENT_NOT_IN_FORCE', errors: undefined });
  });

  test('a text to publish is trimmed, with line ends made plain, and must not be empty', () => {
    assert.deepEqual(checkDocumentText({ title: ' Правила ', body: '1.\r\n\r\n2.\n' }), { title: 'Правила', body: '1.\n\n2.' });
    assert.equal((code(() => checkDocumentText({ title: '', body: ' ' })) as { code: string }).code, 'VALIDATION_FAILED');
  });
});
