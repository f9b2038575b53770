import { useState } from 'preact/hooks';
import { api, ApiError, unwrap, useLoad } from '../../shared/api';
import { Card, Field, Problem } from '../../shared/ui';
import { load } from '../data';
import type { MemberKey } from '../i18n';
import { t } from '../t';

const TOPICS = ['question', 'complaint', 'idea', 'praise', 'other'] as const;

export function FeedbackPage() {
  const stores = useLoad(() => load.stores(), []);
  const [topic, setTopic] = useState<(typeof TOPICS)[number]>('question');
  const [message, setMessage] = useState('');
  const [storeId, setStoreId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!message.trim()) {
      setErrors({ '/message': t('field.required') });
      return;
    }
    setErrors({});
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.POST('/v1/me/feedback', { body: { topic, message, ...(storeId ? { storeId } : {}) } }));
      setSent(true);
      setMessage('');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setError(err);
      setErrors(err.fields());
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>{t('feedback.title')}</h1>
      {sent ? (
        <p class="notice" role="status">
          {t('feedback.sent')}
        </p>
      ) : null}
      <Problem error={error} title={t('error.title')} />
      <Card>
        <form onSubmit={submit} noValidate>
          <Field label={t('feedback.topic')} name="topic" error={errors['/topic']}>
            {(p) => (
              <select {...p} value={topic} onChange={(e) => setTopic((e.target as HTMLSelectElement).value as (typeof TOPICS)[number])}>
                {TOPICS.map((x) => (
                  <option value={x}>{t(`topic.${x}` as MemberKey)}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('feedback.store')} name="storeId" error={errors['/storeId']}>
            {(p) => (
              <select {...p} value={storeId} onChange={(e) => setStoreId((e.target as HTMLSelectElement).value)}>
                <option value="">{t('feedback.noStore')}</option>
                {stores.data?.items.map((s) => (
                  <option value={s.id}>{s.name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('feedback.message')} name="message" required error={errors['/message']}>
            {(p) => <textarea {...p} rows={5} maxLength={4000} value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />}
          </Field>
          <button type="submit" disabled={busy}>
            {t('feedback.send')}
          </button>
        </form>
      </Card>
    </>
  );
}
