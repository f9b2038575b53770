import { match } from '../../shared/router';
import type { Session } from '../data';
import { t } from '../t';
import { AdminUsers } from './admin-users';
import { Analytics } from './analytics';
import { ApiKeys } from './api-keys';
import { Audit } from './audit';
import { CampaignBuilder } from './campaign-builder';
import { CampaignResults } from './campaign-results';
import { Campaigns } from './campaigns';
import { Coupons } from './coupons';
import { Dashboard } from './dashboard';
import { FeedbackInbox } from './feedback';
import { Import } from './imports';
import { MemberPage } from './member';
import { Members } from './members';
import { Settings } from './settings';
import { Stores } from './stores';
import { Tiers } from './tiers';

/** The page for a path (the section's roles were checked by the caller). */
export function Page(props: { path: string; session: Session }) {
  const { path, session } = props;
  let m: Record<string, string> | null;
  if (path === '/') return <Dashboard session={session} />;
  if (path === '/analytics') return <Analytics session={session} />;
  if (path === '/members') return <Members session={session} />;
  if ((m = match('/members/:id', path))) return <MemberPage id={m.id!} session={session} />;
  if (path === '/campaigns') return <Campaigns session={session} />;
  if ((m = match('/campaigns/:id/results', path))) return <CampaignResults id={m.id!} />;
  if ((m = match('/campaigns/:id', path))) return <CampaignBuilder id={m.id!} session={session} />;
  if (path === '/tiers') return <Tiers session={session} />;
  if (path === '/coupons') return <Coupons session={session} />;
  if (path === '/stores') return <Stores session={session} />;
  if (path === '/settings') return <Settings />;
  if (path === '/import') return <Import />;
  if (path === '/audit') return <Audit />;
  if (path === '/api-keys') return <ApiKeys />;
  if (path === '/admin-users') return <AdminUsers />;
  if (path === '/feedback') return <FeedbackInbox />;
  return (
    <section class="card">
      <h1>{t('notFound.title')}</h1>
    </section>
  );
}
