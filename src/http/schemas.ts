import { Type, type Static, type TSchema } from 'typebox';
import { DOCUMENT_KINDS } from '../domain/agreements.js';
import { IDENTIFIER_KINDS } from '../domain/identifiers.js';

/** Objects reject fields they do not know (DESIGN.md: unknown fields are errors, not ignored). */
export const Obj = <T extends Record<string, TSchema>>(props: T, options: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...options });

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const NullableString = Type.Union([Type.String(), Type.Null()]);
export const Points = Type.Integer({ description: 'points (integer)' });
export const Minor = Type.Integer({ minimum: 0, description: 'money in minor units (kopecks)' });

export const IdentifierKind = Type.Union(IDENTIFIER_KINDS.map((k) => Type.Literal(k)));
export const IdentifierSchema = Obj({ kind: IdentifierKind, value: Type.String({ minLength: 1, maxLength: 200 }) });

/** The program's legal texts: its rules and its consent to the processing of personal data (docs/legal.md). */
export const DocumentKindSchema = Type.Union([Type.Literal(DOCUMENT_KINDS[0]), Type.Literal(DOCUMENT_KINDS[1])], { description: 'rules (the program rules) or personal_data (consent to the processing of personal data)' });
/** Accepted texts: the version the person saw, or none for the version published now. */
export const Acceptances = Type.Array(Obj({ kind: DocumentKindSchema, version: Type.Optional(Type.Integer({ minimum: 1 })) }), {
  maxItems: 2,
  description: 'texts the person accepted (docs/legal.md); a version left out is the one published now',
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { additionalProperties: true, $id: 'Problem' },
);

export const problemResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
  422: Type.Ref('Problem'),
};

/** Which CSV: `machine` (default; RFC 4180, minor units) or `excel-ru` (BOM, `;`, Russian headers, roubles with a decimal comma). */
export const CsvDialect = Type.Union([Type.Literal('machine'), Type.Literal('excel-ru')], {
  description: '`machine` (default): RFC 4180, comma, money in minor units; `excel-ru`: for Russian Excel — UTF-8 with BOM, `;`, Russian headers, money as 1234,56',
});
export const CsvQuery = Obj({ dialect: Type.Optional(CsvDialect) });

export const IdParams = Obj({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const PageQuery = Obj({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
});

export type { Static };
