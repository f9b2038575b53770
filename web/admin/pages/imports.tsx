import { isProblem } from '@kopilka/client';
import { useState } from 'preact/hooks';
import { api, ApiError, unwrap, useLoad } from '../../shared/api';
import { dateTime, num } from '../../shared/format';
import { useSubmit, val } from '../../shared/form';
import { problemText } from '../../shared/problems';
import { Card, Check, Field, Problem, Stat } from '../../shared/ui';
import type { AdminKey } from '../i18n';
import { i18n, t } from '../t';

type Kind = 'members' | 'purchases' | 'balances';
type Delimiter = ';' | ',' | 'tab';

/** What POST /v1/imports/{kind} answers (the fields this page shows). */
interface Report {
  kind: Kind;
  encoding: 'utf-8' | 'windows-1251';
  rows: number;
  membersCreated: number;
  membersUpdated: number;
  membersUnchanged: number;
  purchasesImported: number;
  purchasesSkipped: number;
  pointsEarned: number;
  balancesImported: number;
  balancesSkipped: number;
  pointsImported: number;
  rejected: number;
  rejects: { line: number; code: string; reason: string; values: string[] }[];
  rejectsTruncated: boolean;
  ignoredColumns: string[];
}

const FIGURES: Record<Kind, (keyof Report)[]> = {
  members: ['rows', 'membersCreated', 'membersUpdated', 'membersUnchanged', 'rejected'],
  purchases: ['rows', 'purchasesImported', 'purchasesSkipped', 'membersCreated', 'pointsEarned', 'rejected'],
  balances: ['rows', 'balancesImported', 'pointsImported', 'balancesSkipped', 'rejected'],
};

/** Rejected rows shown on the page; the download has all the server listed. */
const SHOWN = 20;

/**
 * Uploads the file as the body of POST /v1/imports/{kind} (XMLHttpRequest: fetch reports no
 * upload progress), with the session cookie and the CSRF header like every call of the panel.
 */
function send(kind: Kind, file: File, query: URLSearchParams, onProgress: (share: number) => void): Promise<Report> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/imports/${kind}?${query.toString()}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('x-kopilka-csrf', '1');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 200) return resolve(body as Report);
      if (xhr.status === 401) dispatchEvent(new Event('kopilka:unauthorized'));
      reject(new ApiError(isProblem(body) ? body : { type: 'about:blank', title: xhr.statusText, status: xhr.status, code: `HTTP_${xhr.status}`, detail: xhr.statusText }));
    };
    xhr.onerror = () => reject(new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'NETWORK', detail: 'the upload failed' }));
    xhr.send(file);
  });
}

/** The separator of a file guessed from its first line: the most frequent of ; , and tab. */
async function guessDelimiter(file: File): Promise<Delimiter | undefined> {
  const first = (await headLine(file, 'utf-8')) ?? '';
  const counts: [Delimiter, number][] = [
    [';', first.split(';').length - 1],
    [',', first.split(',').length - 1],
    ['tab', first.split('\t').length - 1],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : undefined;
}

async function headLine(file: File, encoding: string): Promise<string | undefined> {
  const bytes = await file.slice(0, 16_384).arrayBuffer();
  return new TextDecoder(encoding).decode(bytes).replace(/^\ufeff/, '').split(/\r?\n/)[0];
}

/** A CSV that Russian Excel opens as it is (BOM, `;`), like the server's excel-ru exports. */
function excelCsv(rows: string[][]): Blob {
  const cell = (v: string) => (/[";\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return new Blob(['\ufeff', rows.map((r) => r.map(cell).join(';')).join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' });
}

export function Import() {
  const lang = i18n.lang();
  const [kind, setKind] = useState<Kind>('members');
  const [file, setFile] = useState<File>();
  const [delimiter, setDelimiter] = useState<Delimiter>(';');
  const [encoding, setEncoding] = useState<'auto' | 'utf-8' | 'windows-1251'>('auto');
  const [amounts, setAmounts] = useState<'major' | 'minor'>('major');
  const [update, setUpdate] = useState(false);
  const [createMembers, setCreateMembers] = useState(false);
  const [earn, setEarn] = useState(false);
  const [map, setMap] = useState('');
  const [progress, setProgress] = useState<{ phase: 'sending' | 'writing'; share: number } | null>(null);
  const [report, setReport] = useState<Report>();
  const [header, setHeader] = useState<string[]>([]);
  const f = useSubmit();
  const recent = useLoad(() => unwrap(api.GET('/v1/imports')), []);

  const choose = (e: Event) => {
    const chosen = (e.target as HTMLInputElement).files?.[0];
    setFile(chosen);
    if (chosen) void guessDelimiter(chosen).then((d) => d && setDelimiter(d));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (!f.check(file ? {} : { '/file': t('import.fileRequired') }) || !file) return;
    const q = new URLSearchParams({ delimiter, encoding, fileName: file.name });
    for (const line of map.split('\n').map((l) => l.trim()).filter(Boolean)) q.append('map', line);
    if (kind === 'members' && update) q.set('onExisting', 'update');
    if (kind === 'purchases') {
      q.set('amounts', amounts);
      if (createMembers) q.set('createMembers', 'true');
      if (earn) q.set('earn', 'true');
    }
    setReport(undefined);
    setProgress({ phase: 'sending', share: 0 });
    void f
      .run(async () => {
        const r = await send(kind, file, q, (share) => setProgress({ phase: share >= 1 ? 'writing' : 'sending', share }));
        const line = (await headLine(file, r.encoding)) ?? '';
        setHeader(line.split(delimiter === 'tab' ? '\t' : delimiter).map((c) => c.replace(/^"|"$/g, '')));
        setReport(r);
      })
      .finally(() => {
        setProgress(null);
        recent.reload();
      });
  };

  const downloadRejects = () => {
    if (!report) return;
    const rows = [[t('import.file.line'), t('import.file.code'), t('import.file.reason'), t('import.file.detail'), ...header], ...report.rejects.map((r) => [String(r.line), r.code, problemText({ code: r.code, detail: r.reason }), r.reason, ...r.values])];
    const a = document.createElement('a');
    a.href = URL.createObjectURL(excelCsv(rows));
    a.download = `rejected-${kind}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const runs = recent.data?.items ?? [];
  return (
    <>
      <h1>{t('nav.import')}</h1>
      <p class="muted">{t('import.intro')}</p>
      <Card title={t('import.upload')}>
        <form onSubmit={submit} data-testid="import-form">
          <Field label={t('import.kind')} name="kind" hint={t(`import.hint.${kind}`)}>
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(val(e) as Kind)}>
                {(['members', 'purchases', 'balances'] as const).map((k) => (
                  <option value={k}>{t(`import.kind.${k}`)}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('import.file')} name="file" required error={f.fields['/file']}>
            {(p) => <input {...p} type="file" accept=".csv,.txt,text/csv,text/plain" onChange={choose} />}
          </Field>
          <div class="row">
            <Field label={t('import.delimiter')} name="delimiter">
              {(p) => (
                <select {...p} value={delimiter} onChange={(e) => setDelimiter(val(e) as Delimiter)}>
                  <option value=";">{t('import.delimiter.semicolon')}</option>
                  <option value=",">{t('import.delimiter.comma')}</option>
                  <option value="tab">{t('import.delimiter.tab')}</option>
                </select>
              )}
            </Field>
            <Field label={t('import.encoding')} name="encoding">
              {(p) => (
                <select {...p} value={encoding} onChange={(e) => setEncoding(val(e) as typeof encoding)}>
                  <option value="auto">{t('import.encoding.auto')}</option>
                  <option value="utf-8">{t('import.encoding.utf8')}</option>
                  <option value="windows-1251">{t('import.encoding.cp1251')}</option>
                </select>
              )}
            </Field>
            {kind === 'purchases' ? (
              <Field label={t('import.amounts')} name="amounts">
                {(p) => (
                  <select {...p} value={amounts} onChange={(e) => setAmounts(val(e) as typeof amounts)}>
                    <option value="major">{t('import.amounts.major')}</option>
                    <option value="minor">{t('import.amounts.minor')}</option>
                  </select>
                )}
              </Field>
            ) : null}
          </div>
          {kind === 'members' ? <Check name="update" label={t('import.update')} checked={update} onChange={setUpdate} /> : null}
          {kind === 'purchases' ? (
            <>
              <Check name="createMembers" label={t('import.createMembers')} checked={createMembers} onChange={setCreateMembers} />
              <Check name="earn" label={t('import.earn')} checked={earn} onChange={setEarn} />
            </>
          ) : null}
          <Field label={t('import.map')} name="map" hint={t('import.mapHint')}>
            {(p) => <textarea {...p} rows={3} value={map} onInput={(e) => setMap(val(e))} />}
          </Field>
          <button type="submit" disabled={f.busy}>
            {t('import.submit')}
          </button>
          {progress ? (
            <div class="import-progress" role="status" data-testid="import-progress">
              {progress.phase === 'sending' ? <progress max={1} value={progress.share} /> : <progress />}
              <span>{progress.phase === 'sending' ? t('import.sending', { percent: new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { style: 'percent' }).format(progress.share) }) : t('import.writing')}</span>
            </div>
          ) : null}
        </form>
        <Problem error={f.error} title={t('error.title')} />
      </Card>
      {report ? (
        <Card title={t('import.result')}>
          <div data-testid="import-report">
            <p>{t('import.encodingUsed', { encoding: report.encoding === 'utf-8' ? t('import.encoding.utf8') : t('import.encoding.cp1251') })}</p>
            <div class="stats">
              {FIGURES[report.kind].map((k) => (
                <Stat label={t(`import.${k}` as AdminKey)} value={num(report[k] as number, lang)} />
              ))}
            </div>
            {report.ignoredColumns.length > 0 ? <p class="muted">{t('import.ignoredColumns', { columns: report.ignoredColumns.join(', ') })}</p> : null}
          </div>
          {report.rejected > 0 ? (
            <>
              <h2>{t('import.rejects')}</h2>
              <button type="button" class="secondary" onClick={downloadRejects} data-testid="rejects-download">
                {t('import.rejectsDownload')}
              </button>
              {report.rejected > SHOWN ? <p class="muted">{t('import.rejectsShown', { shown: num(SHOWN, lang), total: num(report.rejected, lang) })}</p> : null}
              <table data-testid="rejects">
                <thead>
                  <tr>
                    <th scope="col">{t('import.line')}</th>
                    <th scope="col">{t('import.reason')}</th>
                    <th scope="col">{t('import.values')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rejects.slice(0, SHOWN).map((r) => (
                    <tr>
                      <td class="num">{num(r.line, lang)}</td>
                      <td title={r.reason}>{problemText({ code: r.code, detail: r.reason })}</td>
                      <td>
                        <code>{r.values.join(' · ')}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : null}
        </Card>
      ) : null}
      <Card title={t('import.recent')}>
        <Problem error={recent.error} title={t('error.title')} />
        {runs.length === 0 ? (
          <p class="muted">{t('import.none')}</p>
        ) : (
          <table data-testid="recent-imports">
            <thead>
              <tr>
                <th scope="col">{t('import.startedAt')}</th>
                <th scope="col">{t('import.kind')}</th>
                <th scope="col">{t('import.source')}</th>
                <th scope="col">{t('import.status')}</th>
                <th scope="col" class="num">{t('import.rows')}</th>
                <th scope="col" class="num">{t('import.rejected')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr>
                  <td>{dateTime(r.startedAt, lang)}</td>
                  <td>{t(`import.kind.${r.kind as Kind}`)}</td>
                  <td>{r.source === 'upload' ? '—' : r.source}</td>
                  <td>{t(`import.status.${r.status}`)}</td>
                  <td class="num">{num(r.counts.rows ?? 0, lang)}</td>
                  <td class="num">{num(r.counts.rejected ?? 0, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
