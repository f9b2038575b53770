// The program's legal texts in the member app: the acceptances on the join form, the text itself
// (a public page, opened beside the form), and the profile's list with withdrawal (docs/legal.md).
import { useState } from 'preact/hooks';
import { api, ApiError, unwrap, useLoad } from '../shared/api';
import { date } from '../shared/format';
import { href, match } from '../shared/router';
import { Card, Loading, Problem } from '../shared/ui';
import type { Program } from './data';
import { i18n, t } from './t';

type Kind = Program['documents'][number]['kind'];
export type Accepted = Partial<Record<Kind, boolean>>;

/** The in-app path of a text: readable without signing in. */
export const documentPath = (kind: Kind) => `/documents/${kind}`;
export const documentKindOf = (path: string): Kind | null => {
  const p = match('/documents/:kind', path);
  return p && (p.kind === 'rules' || p.kind === 'personal_data') ? p.kind : null;
};

/** The texts that joining still needs ticked, as errors keyed like the server's pointer. */
export function checkAgreements(program: Program, accepted: Accepted): Record<string, string> {
  return program.documents.some((d) => d.required && !accepted[d.kind]) ? { '/agreements': t('legal.mustAccept') } : {};
}

/** What the join request carries: each ticked text with the version the person was shown. */
export const agreementsBody = (program: Program, accepted: Accepted) => program.documents.filter((d) => accepted[d.kind]).map((d) => ({ kind: d.kind, version: d.version }));

/** One checkbox per published text, each with a link that opens the text beside the form. */
export function JoinAgreements(props: { program: Program; accepted: Accepted; onChange: (a: Accepted) => void; error: string | undefined }) {
  if (props.program.documents.length === 0) return null;
  return (
    <fieldset class="choice agreements" aria-describedby={props.error ? 'agreements-error' : undefined}>
      <legend>{t('legal.title')}</legend>
      {props.program.documents.map((d) => (
        <div class="check">
          <input type="checkbox" id={`agree-${d.kind}`} name={`agree-${d.kind}`} required={d.required} aria-invalid={Boolean(props.error) && d.required && !props.accepted[d.kind]} checked={Boolean(props.accepted[d.kind])} onChange={(e) => props.onChange({ ...props.accepted, [d.kind]: (e.target as HTMLInputElement).checked })} />
          <label for={`agree-${d.kind}`}>
            {t(`legal.accept.${d.kind}`)}{' '}
            <a href={href(documentPath(d.kind))} target="_blank" rel="noopener">
              {t(`legal.doc.${d.kind}`)}
            </a>
            {d.required ? <span class="required" aria-hidden="true"> *</span> : null}
          </label>
        </div>
      ))}
      {props.error ? (
        <p class="error" id="agreements-error" role="alert">
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A published text on its own page (public: the join form links here). */
export function DocumentPage(props: { kind: Kind; programId: string | undefined }) {
  const doc = useLoad(() => unwrap(api.GET('/v1/auth/program/documents/{kind}', { params: { path: { kind: props.kind }, query: props.programId ? { programId: props.programId } : {} } })), [props.kind]);
  if (doc.error) return <Problem error={doc.error} title={t('error.title')} />;
  if (!doc.data) return <Loading text={t('app.loading')} />;
  return (
    <article class="document">
      <h1>{doc.data.title}</h1>
      <p class="muted">{t('legal.version', { version: String(doc.data.version), date: date(doc.data.publishedAt, i18n.lang()) })}</p>
      {doc.data.body.split(/\n\s*\n/).map((para) => (
        <p>{para}</p>
      ))}
    </article>
  );
}

/** The profile's card: each text, what the member accepted of it and when, and the way to withdraw or accept. */
export function ProfileAgreements(props: { program: Program }) {
  const mine = useLoad(() => unwrap(api.GET('/v1/me/agreements')), []);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  if (props.program.documents.length === 0) return null;
  const lang = i18n.lang();
  const act = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      mine.reload();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('legal.title')}>
      <Problem error={error} title={t('error.title')} />
      {mine.data ? (
        <ul class="agreements-list" data-testid="agreements">
          {props.program.documents.map((d) => {
            const inForce = mine.data!.inForce.find((a) => a.kind === d.kind);
            const last = [...mine.data!.history].reverse().find((h) => h.kind === d.kind);
            const status = inForce
              ? t('legal.acceptedOn', { date: date(inForce.acceptedAt, lang), version: String(inForce.version) })
              : last?.action === 'withdrawn'
                ? t('legal.withdrawnOn', { date: date(last.at, lang) })
                : t('legal.notAccepted');
            return (
              <li>
                <a href={href(documentPath(d.kind))} target="_blank" rel="noopener">
                  {t(`legal.name.${d.kind}`)}
                </a>
                <p class="muted">{status}</p>
                {inForce && inForce.version < d.version ? <p>{t('legal.newVersion', { version: String(d.version) })}</p> : null}
                {!inForce || inForce.version < d.version ? (
                  <button type="button" class="secondary" disabled={busy} onClick={() => void act(() => unwrap(api.POST('/v1/me/agreements', { body: { kind: d.kind, version: d.version } })))}>
                    {t(`legal.give.${d.kind}`)}
                  </button>
                ) : d.kind === 'personal_data' ? (
                  <>
                    <p class="hint">{t('legal.withdrawHint')}</p>
                    <button type="button" class="secondary" disabled={busy} onClick={() => void act(() => unwrap(api.POST('/v1/me/agreements/withdraw', { body: { kind: d.kind } })))}>
                      {t('legal.withdraw')}
                    </button>
                  </>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <Problem error={mine.error} title={t('error.title')} />
      )}
    </Card>
  );
}
