import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { useLoad } from '../../shared/api';
import { date, moneyWhole, num } from '../../shared/format';
import { Card, Loading, Problem, Stat } from '../../shared/ui';
import { code128Svg } from '../code128';
import { load, type Me, type Program, type Tier } from '../data';
import { i18n, t, tn } from '../t';

/** The card to show at the till: a QR code and a barcode of the card token, black on white. */
function LoyaltyCard() {
  const card = useLoad(load.card, []);
  const [qr, setQr] = useState('');
  const [rotating, setRotating] = useState(false);
  const [full, setFull] = useState(false);
  // Full screen: the code alone on white, and the screen kept on while the cashier scans it.
  useEffect(() => {
    if (!full) return;
    let lock: { release(): Promise<void> } | undefined;
    const nav = navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } };
    nav.wakeLock?.request('screen').then((l) => (lock = l), () => undefined);
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setFull(false);
    addEventListener('keydown', close);
    return () => {
      removeEventListener('keydown', close);
      void lock?.release().catch(() => undefined);
    };
  }, [full]);
  useEffect(() => {
    if (card.data) void QRCode.toString(card.data.value, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } }).then(setQr);
  }, [card.data?.value]);
  const rotate = async () => {
    if (!confirm(t('card.rotateConfirm'))) return;
    setRotating(true);
    await load.rotateCard().finally(() => setRotating(false));
    card.reload();
  };
  if (card.error) return <Problem error={card.error} title={t('error.title')} />;
  if (!card.data) return <Loading text={t('app.loading')} />;
  return (
    <section class="card loyalty-card" aria-labelledby="card-title" data-testid="loyalty-card">
      <h2 id="card-title">{t('card.title')}</h2>
      <p class="hint">{t('card.hint')}</p>
      <div class="qr" role="img" aria-label={t('card.qr')} dangerouslySetInnerHTML={{ __html: qr }} />
      <div class="barcode" role="img" aria-label={t('card.barcode')} dangerouslySetInnerHTML={{ __html: code128Svg(card.data.value) }} />
      <p class="token" data-testid="card-token">
        <code>{card.data.value}</code>
      </p>
      <div class="row" style={{ justifyContent: 'center' }}>
        <button type="button" onClick={() => setFull(true)}>
          {t('card.full')}
        </button>
        <button type="button" class="secondary" onClick={() => void rotate()} disabled={rotating}>
          {t('card.rotate')}
        </button>
      </div>
      {full ? (
        <div class="card-full" role="dialog" aria-modal="true" aria-label={t('card.title')} onClick={() => setFull(false)}>
          <div class="qr" role="img" aria-label={t('card.qr')} dangerouslySetInnerHTML={{ __html: qr }} />
          <div class="barcode" role="img" aria-label={t('card.barcode')} dangerouslySetInnerHTML={{ __html: code128Svg(card.data.value) }} />
          <button type="button" class="secondary" autoFocus onClick={() => setFull(false)}>
            {t('card.close')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function Balance(props: { program: Program }) {
  const b = useLoad(load.balance, []);
  const lang = i18n.lang();
  if (b.error) return <Problem error={b.error} title={t('error.title')} />;
  if (!b.data) return <Loading text={t('app.loading')} />;
  const d = b.data;
  return (
    <Card title={t('balance.title')}>
      <p class="big" data-testid="balance-available">
        {num(d.available, lang)}
      </p>
      <p class="muted">{t('balance.availableHint', { value: moneyWhole(d.available * props.program.pointValue, props.program.currency, lang) })}</p>
      <div class="stats">
        <Stat label={t('balance.pending')} value={num(d.pendingTotal, lang)} />
        <Stat label={t('balance.held')} value={num(d.held, lang)} />
        <Stat label={t('balance.expiring')} value={num(d.expiringSoon.reduce((s, x) => s + x.points, 0), lang)} />
      </div>
      {d.pending.length > 0 ? (
        <>
          <h3>{t('balance.pendingTitle')}</h3>
          <ul class="plain">
            {d.pending.map((p) => (
              <li>{t('balance.pendingItem', { points: num(p.points, lang), date: date(p.availableAt, lang) })}</li>
            ))}
          </ul>
        </>
      ) : null}
      {d.expiringSoon.length > 0 ? (
        <>
          <h3>{t('balance.expiringTitle')}</h3>
          <ul class="plain">
            {d.expiringSoon.map((p) => (
              <li>{t('balance.expiringItem', { points: num(p.points, lang), date: date(p.expiresAt, lang) })}</li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}

function TierCard(props: { program: Program }) {
  const tier = useLoad(load.tier, []);
  const lang = i18n.lang();
  if (tier.error) return <Problem error={tier.error} title={t('error.title')} />;
  const d: Tier | undefined = tier.data;
  // A program without tiers has nothing to show; a new member sees the way to the first one.
  if (!d || (!d.tier && !d.next)) return null;
  const benefits = (d.tier?.benefits ?? {}) as { earnMultiplier?: number; discountPercent?: number; perks?: string[] };
  const next = d.next;
  const missing = (n: NonNullable<Tier['next']>) => {
    const value = n.metric === 'spend' ? moneyWhole(n.missing, props.program.currency, lang) : num(n.missing, lang);
    if (n.metric === 'spend') return t('tier.missing.spend', { name: n.name, value });
    return tn(n.metric === 'purchases' ? 'tier.missing.purchases' : 'tier.missing.points', n.missing, { name: n.name, value });
  };
  return (
    <Card title={d.tier ? t('tier.title', { name: d.tier.name }) : t('tier.none')}>
      {d.tier ? (
        <ul class="plain">
          {benefits.earnMultiplier && benefits.earnMultiplier > 1 ? <li>{t('tier.multiplier', { x: num(benefits.earnMultiplier, lang) })}</li> : null}
          {benefits.discountPercent ? <li>{t('tier.discount', { percent: num(benefits.discountPercent, lang) })}</li> : null}
          {(benefits.perks ?? []).map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : (
        <p>{t('tier.noneYet')}</p>
      )}
      {next ? (
        <>
          <p data-testid="tier-missing">{missing(next)}</p>
          <div class="progress" role="progressbar" aria-label={t('tier.progress', { name: next.name })} aria-valuemin={0} aria-valuemax={next.min} aria-valuenow={next.current}>
            <div style={{ width: `${Math.min(100, Math.round((100 * next.current) / Math.max(1, next.min)))}%` }} />
          </div>
        </>
      ) : (
        <p class="muted">{t('tier.top')}</p>
      )}
      {d.reviewAt ? <p class="hint">{t('tier.review', { date: date(d.reviewAt, lang) })}</p> : null}
    </Card>
  );
}

export function Home(props: { me: Me; program: Program }) {
  return (
    <>
      <h1>{props.me.name ? t('home.hello', { name: props.me.name }) : t('home.helloAnon')}</h1>
      <LoyaltyCard />
      <Balance program={props.program} />
      <TierCard program={props.program} />
    </>
  );
}
