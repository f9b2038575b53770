import { useState } from 'preact/hooks';
import { api, unwrap, useLoad } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { val } from '../../shared/form';
import { href } from '../../shared/router';
import { Card, Field, Loading, Problem } from '../../shared/ui';
import { i18n, t } from '../t';
import { Pager } from './members';

const TOPICS = ['question', 'complaint', 'idea', 'praise', 'other'] as const;
type Topic = (typeof TOPICS)[number];

export function FeedbackInbox() {
  const [topic, setTopic] = useState<Topic | ''>('');
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useLoad(() => unwrap(api.GET('/v1/feedback', { params: { query: { limit: 25, ...(topic ? { topic } : {}), ...(cursors.length ? { cursor: cursors[cursors.length - 1]! } : {}) } } })), [topic, cursors]);
  const lang = i18n.lang();
  return (
    <>
      <h1>{t('nav.feedback')}</h1>
      <div class="toolbar">
        <Field label={t('feedback.topic')} name="topic">
          {(p) => (
            <select
              {...p}
              value={topic}
              onChange={(e) => {
                setTopic(val(e) as Topic | '');
                setCursors([]);
              }}
            >
              <option value="">{t('audit.all')}</option>
              {TOPICS.map((x) => (
                <option value={x}>{t(`topic.${x}`)}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Problem error={list.error} title={t('error.title')} />
      {!list.data ? (
        <Loading text={t('app.loading')} />
      ) : (
        <>
          {list.data.items.length === 0 ? <p>{t('list.empty')}</p> : null}
          <div data-testid="feedback">
            {list.data.items.map((m) => (
              <Card>
                <p class="row" style={{ justifyContent: 'space-between' }}>
                  <span class="badge">{t(`topic.${m.topic}`)}</span>
                  <span class="muted">{dateTime(m.createdAt, lang)}</span>
                </p>
                <p>{m.message}</p>
                <p class="muted">
                  <a href={href(`/members/${m.memberId}`)}>{m.memberName ?? t('member.noName')}</a>
                  {m.storeId ? ` · ${m.storeId}` : ''}
                </p>
              </Card>
            ))}
          </div>
          <Pager first={cursors.length === 0} next={list.data.nextCursor} onFirst={() => setCursors([])} onNext={(c) => setCursors([...cursors, c])} />
        </>
      )}
    </>
  );
}
