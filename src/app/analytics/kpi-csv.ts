import type { Kpis } from '../../domain/analytics/kpis.js';
import { currencyMinorUnits } from '../../domain/settings.js';
import { csvText, type CsvColumn, type CsvDialect, type CsvKind } from '../csv-export.js';
import type { KpiReport } from './kpis.js';

type Row = KpiReport['series'][number];

/** The KPI columns in the order of the API's fields, with their Russian headers and kinds. */
const KPI_COLUMNS: [keyof Kpis, string, CsvKind][] = [
  ['members', 'Участников на конец периода', 'integer'],
  ['newMembers', 'Новых участников', 'integer'],
  ['activeMembers', 'Активных участников', 'integer'],
  ['activeShare', 'Доля активных', 'rate'],
  ['newBuyers', 'Впервые купили', 'integer'],
  ['returningMembers', 'Купили повторно', 'integer'],
  ['repeatPurchaseRate', 'Доля повторных покупателей', 'rate'],
  ['purchaseFrequency', 'Покупок на активного участника', 'rate'],
  ['memberPurchases', 'Чеков с участником', 'integer'],
  ['memberSales', 'Выручка с участниками, ₽', 'money'],
  ['memberPaid', 'Оплачено деньгами участниками, ₽', 'money'],
  ['memberAverageReceipt', 'Средний чек участника, ₽', 'money'],
  ['anonymousPurchases', 'Чеков без участника', 'integer'],
  ['anonymousSales', 'Выручка без участника, ₽', 'money'],
  ['anonymousAverageReceipt', 'Средний чек без участника, ₽', 'money'],
  ['memberSalesShare', 'Доля выручки с участниками', 'rate'],
  ['averageReceiptUplift', 'Прирост среднего чека участника', 'rate'],
  ['memberReturns', 'Возвратов участников', 'integer'],
  ['memberRefunds', 'Возвращено участникам, ₽', 'money'],
  ['anonymousReturns', 'Возвратов без участника', 'integer'],
  ['anonymousRefunds', 'Возвращено без участника, ₽', 'money'],
  ['netSales', 'Выручка за вычетом возвратов, ₽', 'money'],
  ['pointsSpent', 'Списано баллов в чеках', 'integer'],
  ['pointsEarned', 'Начислено баллов в чеках', 'integer'],
  ['pointsIssued', 'Начислено баллов', 'integer'],
  ['pointsRedeemed', 'Списано баллов', 'integer'],
  ['pointsExpired', 'Сгорело баллов', 'integer'],
  ['pointsAdjusted', 'Корректировки баллов', 'integer'],
];

function columns(currency: string): CsvColumn<Row>[] {
  // The rouble sign in a header is only right for roubles: another currency is named by its code.
  const unit = (ru: string) => (currency === 'RUB' ? ru : ru.replace('₽', currency));
  return [
    { key: 'period', ru: 'Период', kind: 'day', value: (r) => r.period },
    { key: 'from', ru: 'С', kind: 'day', value: (r) => r.from },
    { key: 'to', ru: 'По', kind: 'day', value: (r) => r.to },
    ...KPI_COLUMNS.map(([key, ru, kind]): CsvColumn<Row> => ({ key, ru: unit(ru), kind, value: (r) => r[key] })),
  ];
}

/**
 * The KPI series as CSV, one row per period: `machine` (RFC 4180, money in minor units) or
 * `excel-ru` (src/app/csv-export.ts).
 */
export function kpisCsv(report: KpiReport, dialect: CsvDialect = 'machine'): string {
  return csvText(columns(report.currency), report.series, { dialect, minorDigits: currencyMinorUnits(report.currency), timeZone: report.timeZone });
}
