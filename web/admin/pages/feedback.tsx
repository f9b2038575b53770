import { useState } from 'preact/hooks';
import { api, unwrap } from '../../shared/api';
import { dateTime } from '../../shared/format';
import { val } from '../../shared/form';
import { href } from '../../shared/router';
import { Card, Field } from '../../shared/ui';
import { ListTable, useList } from '../list';
import { i18n, t } from '../t';

const TOPICS = ['question', 'complaint', 'idea', 'praise', 'other'] as const;
type Topic = (typeof TOPICS)[number];

export function FeedbackInbox() {
  const [topic, setTopic] = useState<Topic | ''>('');
  const list = useList((q) => unwrap(api.GET('/v1/feedback', { params: { query: { ...q, ...(topic ? { topic } : {}) } } })), { defaultSort: '-createdAt', filters: [topic] });
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
      <Card>
        <ListTable
          list={list}
          testId="feedback"
          columns={[
            { label: t('audit.when'), sort: 'createdAt', firstDirection: 'desc', cell: (m) => dateTime(m.createdAt, lang) },
            { label: t('feedback.topic'), sort: 'topic', cell: (m) => <span class="badge">{t(`topic.${m.topic}`)}</span> },
            { label: t('feedback.message'), cell: (m) => m.message },
            {
              label: t('feedback.from'),
              cell: (m) => (
                <>
                  <a href={href(`/members/${m.memberId}`)}>{m.memberName ?? t('member.noName')}</a>
                  {m.storeId ? ` · ${m.storeId}` : ''}
                </>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
