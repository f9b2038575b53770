// Cost of the three blocks (main scheme, mass and targeted campaigns) by month against the owner's
// budgets; owners set a month's budgets here (PUT /v1/analytics/budgets).
import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { money } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import { monthLabel, percent } from '../report-format';
import type { Range } from '../report-range';
import { i18n, t } from '../t';

const BLOCKS = ['main', 'mass', 'targeted'] as const;
type Block = (typeof BLOCKS)[number];
type Report = Awaited<ReturnType<typeof load>>;

const load = (from: string, to: string) => unwrap(api.GET('/v1/analytics/blocks', { params: { query: { from, to } } }));

export function Blocks(props: { range: Range; mayEdit: boolean }) {
  const { from, to } = props.range;
  const report = useLoad(() => load(from, to), [from, to]);
  const lang = i18n.lang();
  if (report.error) return <Problem error={report.error} title={t('error.title')} />;
  if (!report.data) return <Loading text={t('app.loading')} />;
  const r = report.data;
  const rub = (v: number | null) => (v === null ? '—' : money(v, r.currency, lang));
  const share = (v: number | null) => (v === null ? '—' : percent(v, lang));
  return (
    <Card title={t('blocks.title')}>
      <p class="hint">{t('blocks.hint')}</p>
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t('blocks.title')}>
        <table data-testid="blocks">
          <thead>
            <tr>
              <th scope="col">{t('blocks.month')}</th>
              {BLOCKS.map((b) => (
                <th scope="col" class="num">
                  {t(`block.${b}`)}
                </th>
              ))}
              <th scope="col" class="num">
                {t('blocks.total')}
              </th>
            </tr>
          </thead>
          <tbody>
            {[...r.months.map((m) => ({ label: monthLabel(m.month, lang), ...m })), { label: t('blocks.allMonths'), ...r.totals }].map((m) => (
              <tr>
                <th scope="row">{m.label}</th>
                {BLOCKS.map((b) => {
                  const f = m.blocks[b];
                  return (
                    <td class="num">
                      {rub(f.cost)}
                      <div class="hint">{f.budget === null ? t('blocks.noBudget') : t('blocks.ofBudget', { budget: rub(f.budget), used: share(f.budgetUsed) })}</div>
                    </td>
                  );
                })}
                <td class="num">
                  {rub(m.cost)}
                  {m.budget === null ? null : <div class="hint">{t('blocks.budget', { budget: rub(m.budget) })}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">
        {t('blocks.split', {
          cost: BLOCKS.map((b) => `${t(`block.${b}`)} ${share(r.totals.blocks[b].costShare)}`).join(', '),
          budget: BLOCKS.map((b) => `${t(`block.${b}`)} ${share(r.totals.blocks[b].budgetShare)}`).join(', '),
        })}
      </p>
      {props.mayEdit ? <BudgetForm report={r} month={to.slice(0, 7)} onSaved={report.reload} /> : null}
    </Card>
  );
}

/** Roubles as typed ("1 500,50") to minor units; empty is null (no budget); NaN when not a number. */
const minor = (text: string): number | null => {
  const s = text.replace(/\s/g, '').replace(',', '.');
  return s === '' ? null : /^\d+(\.\d{1,2})?$/.test(s) ? Math.round(Number(s) * 100) : NaN;
};

function BudgetForm(props: { report: Report; month: string; onSaved: () => void }) {
  const [month, setMonth] = useState(props.month);
  const current = (m: string) => props.report.months.find((x) => x.month === m)?.blocks;
  const initial = (m: string) => Object.fromEntries(BLOCKS.map((b) => [b, current(m)?.[b].budget == null ? '' : String(current(m)![b].budget! / 100)])) as Record<Block, string>;
  const [amounts, setAmounts] = useState<Record<Block, string>>(() => initial(props.month));
  const f = useSubmit();
  const submit = async (e: Event) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) found['/budgets/0/month'] = t('field.required');
    for (const b of BLOCKS) if (Number.isNaN(minor(amounts[b]))) found[`/budgets/0/${b}`] = t('budget.badAmount');
    if (!f.check(found)) return;
    const ok = await f.run(() => unwrap(api.PUT('/v1/analytics/budgets', { body: { budgets: [{ month, main: minor(amounts.main), mass: minor(amounts.mass), targeted: minor(amounts.targeted) }] } })));
    if (ok) props.onSaved();
  };
  return (
    <form noValidate onSubmit={(e) => void submit(e)} data-testid="budget-form">
      <h3>{t('budget.title')}</h3>
      <p class="hint">{t('budget.hint')}</p>
      <div class="toolbar">
        <Field label={t('budget.month')} name="month" required error={f.fields['/budgets/0/month']}>
          {(p) => (
            <input
              {...p}
              type="month"
              value={month}
              onInput={(e) => {
                setMonth(val(e));
                setAmounts(initial(val(e)));
              }}
            />
          )}
        </Field>
        {BLOCKS.map((b) => (
          <Field label={t('budget.amount', { block: t(`block.${b}`) })} name={`budget-${b}`} error={f.fields[`/budgets/0/${b}`]}>
            {(p) => <input {...p} inputMode="decimal" value={amounts[b]} onInput={(e) => setAmounts({ ...amounts, [b]: val(e) })} />}
          </Field>
        ))}
        <button type="submit" disabled={f.busy}>
          {t('budget.save')}
        </button>
      </div>
      {f.done ? (
        <p class="notice" role="status">
          {t('budget.saved')}
        </p>
      ) : null}
      <Problem error={f.error} title={t('error.title')} />
    </form>
  );
}
