// Building blocks shared by both apps. Every text arrives through props, already translated.
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import type { ApiError } from './api';

export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  required: boolean;
}

/** A labelled form control with its hint and its error (a client check or the server's pointer). */
export function Field(props: { label: string; name: string; error?: string | undefined; hint?: string | undefined; required?: boolean; requiredMark?: string; children: (p: ControlProps) => JSX.Element }) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' field--error' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="required" aria-hidden="true"> *</span> : null}
      </label>
      {props.children({ id, name: props.name, 'aria-invalid': Boolean(props.error), 'aria-describedby': described, required: Boolean(props.required) })}
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {props.error ? <p class="error" id={`${id}-err`} role="alert">{props.error}</p> : null}
    </div>
  );
}

export function Check(props: { label: string; checked: boolean; onChange: (v: boolean) => void; name: string }) {
  const id = useId();
  return (
    <div class="check">
      <input type="checkbox" id={id} name={props.name} checked={props.checked} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/**
 * How problems show in this app: the admin panel shows the stable code too (staff quote it to
 * support); the member app does not (`RESEND_TOO_SOON` means nothing to a shopper). Set once at start.
 */
export const problemDisplay = { showCode: true };

/** A failed load or send: the problem in the page's language, with its code for support, and which fields it names. */
export function Problem(props: { error: ApiError | undefined; title: string }) {
  if (!props.error) return null;
  const fields = props.error.fieldList();
  return (
    <div class="problem" role="alert">
      <strong>{props.title}</strong> {props.error.text()} {problemDisplay.showCode ? <code>{props.error.code}</code> : null}
      {fields.length > 0 ? (
        <ul class="problem__fields">
          {fields.map((f) => (
            <li>
              {f.name}: {f.text}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading(props: { text: string }) {
  return (
    <p class="loading" role="status">
      {props.text}
    </p>
  );
}

export function Card(props: { title?: string | undefined; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`}>
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </section>
  );
}

/** Figures side by side: a label and a big value each. */
export function Stat(props: { label: string; value: string; hint?: string | undefined }) {
  return (
    <div class="stat">
      <div class="stat__label">{props.label}</div>
      <div class="stat__value">{props.value}</div>
      {props.hint ? <div class="stat__hint">{props.hint}</div> : null}
    </div>
  );
}

export function LangSwitch(props: { lang: 'ru' | 'en'; onChange: (l: 'ru' | 'en') => void; label: string }) {
  return (
    <div class="lang" role="group" aria-label={props.label}>
      {(['ru', 'en'] as const).map((l) => (
        <button type="button" class={l === props.lang ? 'active' : ''} aria-pressed={l === props.lang} lang={l} onClick={() => props.onChange(l)}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
