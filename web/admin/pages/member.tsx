import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { date, dateTime, num } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Loading, Problem, Stat } from '../../shared/ui';
import { MemberEdit } from '../member-edit';
import { MemberAgreements } from '../legal-admin';
import { MemberLots } from '../member-lots';
import { mayEdit } from '../nav';
import type { Session } from '../data';
import type { AdminKey } from '../i18n';
import { i18n, t } from '../t';
import { ListTable, useList } from '../list';

/** The channels a member agreed to, by their names: "SMS, e-mail" (an unknown channel as it is). */
function consentList(consents: Record<string, unknown>): string {
  const names: Record<string, AdminKey> = { sms: 'consent.sms', email: 'consent.email', push: 'consent.push' };
  return Object.entries(consents)
    .filter(([, v]) => v)
    .map(([k]) => (names[k] ? t(names[k]) : k))
    .join(', ');
}

function Adjust(props: { memberId: string; onDone: () => void }) {
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const f = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    const n = Number(points);
    const found: Record<string, string> = {};
    if (!Number.isInteger(n) || n === 0) found['/points'] = t('adjust.badPoints');
    if (!reason.trim()) found['/reason'] = t('field.required');
    if (!f.check(found)) return;
    void f
      .run(() => unwrap(api.POST('/v1/members/{id}/adjustments', { params: { path: { id: props.memberId } }, body: { points: n, reason: reason.trim() }, headers: { 'idempotency-key': crypto.randomUUID() } })))
      .then((ok) => {
        if (ok) {
          setPoints('');
          setReason('');
          props.onDone();
        }
      });
  };
  return (
    <Card title={t('adjust.title')}>
      <Problem error={f.error} title={t('error.title')} />
      {f.done ? <p class="notice" role="status">{t('adjust.done')}</p> : null}
      <form onSubmit={submit} noValidate class="grid2">
        <Field label={t('adjust.points')} name="points" required error={f.fields['/points']} hint={t('adjust.pointsHint')}>
          {(p) => <input {...p} inputMode="numeric" value={points} onInput={(e) => setPoints(val(e))} />}
        </Field>
        <Field label={t('adjust.reason')} name="reason" required error={f.fields['/reason']}>
          {(p) => <input {...p} value={reason} onInput={(e) => setReason(val(e))} />}
        </Field>
        <div>
          <button type="submit" disabled={f.busy}>
            {t('adjust.submit')}
          </button>
        </div>
      </form>
    </Card>
  );
}

export function MemberPage(props: { id: string; session: Session }) {
  const id = props.id;
  const member = useLoad(() => unwrap(api.GET('/v1/members/{id}', { params: { path: { id } } })), [id]);
  const balance = useLoad(() => unwrap(api.GET('/v1/members/{id}/balance', { params: { path: { id } } })), [id]);
  const tier = useLoad(() => unwrap(api.GET('/v1/members/{id}/tier', { params: { path: { id } } })), [id]);
  const coupons = useList((q) => unwrap(api.GET('/v1/members/{id}/coupons', { params: { path: { id }, query: q } })), { defaultSort: '-createdAt', limit: 10, filters: [id] });
  const ledger = useList((q) => unwrap(api.GET('/v1/members/{id}/ledger', { params: { path: { id }, query: q } })), { defaultSort: '-createdAt', limit: 20, filters: [id] });
  const [blockReason, setBlockReason] = useState('');
  const block = useSubmit();
  const lang = i18n.lang();
  const canEdit = mayEdit(props.session.user.role, 'members');
  if (member.error) return <Problem error={member.error} title={t('error.title')} />;
  if (!member.data) return <Loading text={t('app.loading')} />;
  const m = member.data;
  const refresh = () => {
    balance.reload();
    ledger.restart();
  };
  const setBlocked = (blocked: boolean) =>
    void block.run(async () => {
      if (blocked) await unwrap(api.POST('/v1/members/{id}/block', { params: { path: { id } }, body: blockReason.trim() ? { reason: blockReason.trim() } : {} }));
      else await unwrap(api.POST('/v1/members/{id}/unblock', { params: { path: { id } } }));
      member.reload();
    });
  return (
    <>
      <h1>{m.name ?? t('member.noName')}</h1>
      <p>
        <span class="badge">{t(`status.${m.status}` as AdminKey)}</span> {m.blockReason ? <span class="muted">{m.blockReason}</span> : null}
      </p>
      <div class="split">
        <div>
          <Card title={t('member.profile')}>
            <dl class="props">
              <dt>{t('kind.phone')}</dt>
              <dd>{m.phone ?? '—'}</dd>
              <dt>{t('kind.email')}</dt>
              <dd>{m.email ?? '—'}</dd>
              <dt>{t('member.birthday')}</dt>
              <dd>{m.birthday ? date(`${m.birthday}T12:00:00Z`, lang) : '—'}</dd>
              <dt>{t('member.city')}</dt>
              <dd>{m.city ?? '—'}</dd>
              <dt>{t('member.consents')}</dt>
              <dd>{consentList(m.consents) || '—'}</dd>
              <dt>{t('member.joined')}</dt>
              <dd>{dateTime(m.createdAt, lang)}</dd>
            </dl>
            <h3>{t('member.identifiers')}</h3>
            <ul class="plain">
              {m.identifiers.map((i) => (
                <li>
                  {t(`kind.${i.kind}` as AdminKey)}: <code>{i.kind === 'member_token' ? `${i.value.slice(0, 8)}…` : i.value}</code>
                </li>
              ))}
            </ul>
          </Card>
          <MemberAgreements memberId={id} />
          {canEdit && m.status !== 'anonymised' ? <MemberEdit key={m.updatedAt} id={id} member={m} onSaved={member.reload} /> : null}
          <Card title={t('member.history')}>
            <ListTable
              list={ledger}
              testId="ledger"
              columns={[
                { label: t('ledger.when'), sort: 'createdAt', firstDirection: 'desc', cell: (e) => dateTime(e.createdAt, lang) },
                {
                  label: t('ledger.what'),
                  cell: (e) => (
                    <>
                      {t(`entry.${e.kind}` as AdminKey)}
                      {e.cause.reason ? ` — ${e.cause.reason}` : ''}
                    </>
                  ),
                },
                { label: t('ledger.points'), sort: 'points', num: true, firstDirection: 'desc', cell: (e) => <span class={e.points >= 0 ? 'plus' : 'minus'}>{num(e.points, lang)}</span> },
              ]}
            />
          </Card>
        </div>
        <div>
          <Card title={t('member.balance')}>
            <Problem error={balance.error} title={t('error.title')} />
            {balance.data ? (
              <>
                <div class="stats">
                  <Stat label={t('balance.available')} value={num(balance.data.available, lang)} />
                  <Stat label={t('balance.pending')} value={num(balance.data.pendingTotal, lang)} />
                  <Stat label={t('balance.held')} value={num(balance.data.held, lang)} />
                </div>
                <h3>{t('member.lots')}</h3>
                <ul class="plain">
                  {balance.data.pending.map((p) => (
                    <li>{t('lots.pending', { points: num(p.points, lang), date: date(p.availableAt, lang) })}</li>
                  ))}
                  {balance.data.expiringSoon.map((p) => (
                    <li>{t('lots.expiring', { points: num(p.points, lang), date: date(p.expiresAt, lang) })}</li>
                  ))}
                  {balance.data.pending.length + balance.data.expiringSoon.length === 0 ? <li class="muted">{t('lots.none')}</li> : null}
                </ul>
              </>
            ) : null}
          </Card>
          <Card title={t('member.tier')}>
            {tier.data?.tier ? (
              <p>
                <strong>{tier.data.tier.name}</strong>
                {tier.data.next ? ` — ${t('tier.toNext', { name: tier.data.next.name, missing: num(tier.data.next.missing, lang) })}` : ''}
              </p>
            ) : (
              <p class="muted">{t('tier.none')}</p>
            )}
          </Card>
          <Card title={t('member.coupons')}>
            {coupons.data && coupons.data.items.length === 0 && coupons.page === 1 ? (
              <p class="muted">{t('member.noCoupons')}</p>
            ) : (
              <ListTable
                list={coupons}
                testId="member-coupons"
                columns={[
                  { label: t('member.couponCode'), sort: 'code', cell: (c) => <code>{c.code}</code> },
                  { label: t('member.couponSeries'), cell: (c) => c.seriesId },
                  { label: t('member.couponUsed'), num: true, cell: (c) => num(c.uses, lang) },
                  { label: t('member.couponIssued'), sort: 'createdAt', firstDirection: 'desc', cell: (c) => date(c.createdAt, lang) },
                ]}
              />
            )}
          </Card>
          {canEdit && m.status !== 'anonymised' ? (
            <>
              <Adjust memberId={id} onDone={refresh} />
              <Card title={m.status === 'blocked' ? t('block.unblockTitle') : t('block.title')}>
                <Problem error={block.error} title={t('error.title')} />
                {m.status === 'blocked' ? (
                  <button type="button" disabled={block.busy} onClick={() => setBlocked(false)}>
                    {t('block.unblock')}
                  </button>
                ) : (
                  <>
                    <Field label={t('block.reason')} name="reason" error={block.fields['/reason']}>
                      {(p) => <input {...p} value={blockReason} onInput={(e) => setBlockReason(val(e))} />}
                    </Field>
                    <button type="button" class="danger" disabled={block.busy} onClick={() => setBlocked(true)}>
                      {t('block.block')}
                    </button>
                  </>
                )}
              </Card>
            </>
          ) : null}
        </div>
      </div>
      {/* Six columns of dates and big numbers: the whole width, under the two columns. */}
      <MemberLots memberId={id} refreshKey={balance.data?.asOf} />
    </>
  );
}
