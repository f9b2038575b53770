import { match } from '../../shared/router';
import type { Session } from '../data';
import { t } from '../t';

/** The page for a path (the section's roles were checked by the caller). */
export function Page(props: { path: string; session: Session }) {
  const { path } = props;
  if (match('/', path)) return <h1>{t('nav.dashboard')}</h1>;
  return (
    <section class="card">
      <h1>{t('notFound.title')}</h1>
    </section>
  );
}
