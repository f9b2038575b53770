/**
 * The CDNOW purchase history (the standard data set of the customer-base literature, see
 * shared/data/cdnow/README.md) line by line, so that the models can be checked against the
 * published figures. Pure: the caller reads the file.
 *
 * CDNOW_master.txt:  customer id, date (YYYYMMDD), number of CDs, dollar value — after a header line.
 * CDNOW_sample.txt:  master customer id, sample id (0001–2357), date, number of CDs, dollar value.
 * Both are whitespace separated with CRLF line ends.
 */

export interface CdnowPurchase {
  /** The customer id of the master file (kept in the sample file too). */
  customerId: string;
  /** The sample file's own id; null in the master file. */
  sampleId: string | null;
  /** 'YYYY-MM-DD'. */
  day: string;
  cds: number;
  /** Dollar value in cents, read exactly from the decimal text. */
  amountCents: number;
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const ID = /^\d+$/;
const MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parse one line of either file. Returns null for a blank line or the master file's header;
 * throws a SyntaxError naming the problem for anything else that is not a purchase.
 *
 * Example: ' 00004 0001 19970101  2   29.33\r' →
 *   { customerId: '00004', sampleId: '0001', day: '1997-01-01', cds: 2, amountCents: 2933 }
 */
export function parseCdnowLine(line: string): CdnowPurchase | null {
  const fields = line.trim().split(/\s+/);
  const first = fields[0] as string; // split always returns at least one field
  if (first === '') return null;
  if (fields.length === 4 && first === 'customer_id') return null;
  let customerId: string;
  let sampleId: string | null;
  let rest: string[];
  if (fields.length === 4) {
    [customerId, sampleId, rest] = [first, null, fields.slice(1)];
  } else if (fields.length === 5) {
    [customerId, sampleId, rest] = [first, fields[1] as string, fields.slice(2)];
  } else {
    throw new SyntaxError(`CDNOW: expected 4 or 5 fields, got ${fields.length}: '${line.trim()}'`);
  }
  if (!ID.test(customerId) || (sampleId !== null && !ID.test(sampleId))) {
    throw new SyntaxError(`CDNOW: customer ids must be digits: '${line.trim()}'`);
  }
  const [date, cds, dollars] = rest as [string, string, string];
  return { customerId, sampleId, day: parseDate(date, line), cds: parseCds(cds, line), amountCents: parseCents(dollars, line) };
}

function parseDate(text: string, line: string): string {
  const m = DATE.exec(text);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (!m || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new SyntaxError(`CDNOW: '${text}' is not a YYYYMMDD date: '${line.trim()}'`);
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function parseCds(text: string, line: string): number {
  if (!ID.test(text)) throw new SyntaxError(`CDNOW: number of CDs '${text}' is not a whole number: '${line.trim()}'`);
  return Number(text);
}

function parseCents(text: string, line: string): number {
  const m = MONEY.exec(text);
  if (!m) throw new SyntaxError(`CDNOW: dollar value '${text}' is not a decimal amount: '${line.trim()}'`);
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return Number(m[1]) * 100 + Number(fraction);
}
