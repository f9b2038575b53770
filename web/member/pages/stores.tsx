import { useState } from 'preact/hooks';
import { useLoad } from '../../shared/api';
import { num } from '../../shared/format';
import { Card, Loading, Problem } from '../../shared/ui';
import { load, type Store } from '../data';
import type { MemberKey } from '../i18n';
import { i18n, t } from '../t';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function Hours(props: { store: Store }) {
  const hours = props.store.openingHours as Partial<Record<(typeof DAYS)[number], [string, string][]>> | null;
  if (!hours) return null;
  return (
    <dl class="hours">
      {DAYS.map((d) => (
        <>
          <dt>{t(`day.${d}` as MemberKey)}</dt>
          <dd>{hours[d]?.length ? hours[d]!.map(([a, b]) => `${a}–${b}`).join(', ') : t('stores.closed')}</dd>
        </>
      ))}
    </dl>
  );
}

export function StoresPage() {
  const [near, setNear] = useState<string>();
  const [geoError, setGeoError] = useState(false);
  const stores = useLoad(() => load.stores(near), [near]);
  const lang = i18n.lang();
  const locate = () => {
    setGeoError(false);
    navigator.geolocation.getCurrentPosition(
      (p) => setNear(`${p.coords.latitude.toFixed(5)},${p.coords.longitude.toFixed(5)}`),
      () => setGeoError(true),
      { timeout: 10_000, maximumAge: 600_000 },
    );
  };
  return (
    <>
      <h1>{t('stores.title')}</h1>
      <p>
        <button type="button" class="secondary" onClick={locate}>
          {t('stores.nearest')}
        </button>
      </p>
      {geoError ? <p class="problem">{t('stores.noLocation')}</p> : null}
      <Problem error={stores.error} title={t('error.title')} />
      {!stores.data ? <Loading text={t('app.loading')} /> : null}
      {stores.data?.items.length === 0 ? <p>{t('stores.empty')}</p> : null}
      <div data-testid="stores">
        {stores.data?.items.map((s) => (
          <Card title={s.name}>
            {s.address ? <p>{[s.city, s.address].filter(Boolean).join(', ')}</p> : null}
            {s.distance !== undefined ? <p class="muted">{s.distance < 1000 ? t('stores.metres', { n: num(s.distance, lang) }) : t('stores.km', { n: num(Math.round(s.distance / 100) / 10, lang) })}</p> : null}
            {s.phone ? (
              <p>
                <a href={`tel:${s.phone}`}>{s.phone}</a>
              </p>
            ) : null}
            <Hours store={s} />
          </Card>
        ))}
      </div>
    </>
  );
}
