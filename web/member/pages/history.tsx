import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { Loading, Problem } from '../../shared/ui';
import { load, type LedgerPage } from '../data';
import { i18n, t } from '../t';

type Entry = LedgerPage['items'][number];

/** Why an entry happened, in words. */
function cause(e: Entry): string {
  switch (e.cause.type) {
    case 'purchase':
      return e.kind === 'redeem' ? t('history.redeem') : t('history.earn');
    case 'return':
      return e.points < 0 ? t('history.clawback') : t('history.restore');
    case 'expiry':
      return t('history.expire');
    case 'adjustment':
      return e.cause.reason ? t('history.adjustReason', { reason: e.cause.reason }) : t('history.adjust');
  }
}

export function History() {
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const more = async (from?: string) => {
    setBusy(true);
    try {
      const page = await load.ledger(from);
      setItems((x) => [...(from ? x : []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (e) {
      if (e instanceof ApiError) setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void more(), []);
  const lang = i18n.lang();
  return (
    <>
      <h1>{t('history.title')}</h1>
      <Problem error={error} title={t('error.title')} />
      {cursor === undefined && !error ? <Loading text={t('app.loading')} /> : null}
      {cursor !== undefined && items.length === 0 ? <p>{t('history.empty')}</p> : null}
      <ul class="plain card" data-testid="history">
        {items.map((e) => (
          <li class="row" style={{ justifyContent: 'space-between' }}>
            <span>
              <strong>{cause(e)}</strong>
              <br />
              <span class="muted">{dateTime(e.createdAt, lang)}</span>
            </span>
            <span class={`num ${e.points >= 0 ? 'plus' : 'minus'}`}>{`${e.points > 0 ? '+' : ''}${num(e.points, lang)}`}</span>
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" class="secondary" disabled={busy} onClick={() => void more(cursor)}>
          {t('history.more')}
        </button>
      ) : null}
    </>
  );
}
