// The program's exclusions: categories and SKUs that earn no points and that may not be paid with
// points (settings.earnExclusions, settings.redeemExclusions). Campaigns and tiers follow them too.
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { Field } from '../shared/ui';
import { t } from './t';

export interface ExclusionLists {
  categories: string[];
  skus: string[];
}

/** The editor's text per list: one code a line (commas also separate). */
export interface ExclusionsText {
  earnCategories: string;
  earnSkus: string;
  redeemCategories: string;
  redeemSkus: string;
}

export const exclusionsText = (earn: ExclusionLists, redeem: ExclusionLists): ExclusionsText => ({
  earnCategories: earn.categories.join('\n'),
  earnSkus: earn.skus.join('\n'),
  redeemCategories: redeem.categories.join('\n'),
  redeemSkus: redeem.skus.join('\n'),
});

/** The codes typed, one a line or separated by commas, each once, in the order given. */
export const codes = (text: string): string[] => [...new Set(text.split(/[\n,;]/).map((s) => s.trim()).filter(Boolean))];

export const exclusionsBody = (x: ExclusionsText) => ({
  earnExclusions: { categories: codes(x.earnCategories), skus: codes(x.earnSkus) },
  redeemExclusions: { categories: codes(x.redeemCategories), skus: codes(x.redeemSkus) },
});

const LISTS = [
  ['earn', 'earnCategories', 'earnSkus'],
  ['redeem', 'redeemCategories', 'redeemSkus'],
] as const;

export function ExclusionsEditor(props: { value: ExclusionsText; onChange: (v: ExclusionsText) => void; errors: Record<string, string | undefined> }) {
  const v = props.value;
  const set = (k: keyof ExclusionsText) => (e: Event) => props.onChange({ ...v, [k]: (e.target as HTMLTextAreaElement).value });
  return (
    <fieldset class="choice exclusions" data-testid="exclusions">
      <legend>{t('exclusions.title')}</legend>
      <p class="hint">{t('exclusions.hint')}</p>
      {LISTS.map(([list, categories, skus]) => (
        <ExclusionList title={t(`exclusions.${list}`)}>
          <Field label={t('exclusions.categories')} name={categories} error={props.errors[`/settings/${list}Exclusions/categories`]}>
            {(p) => <textarea {...p} rows={3} value={v[categories]} onInput={set(categories)} />}
          </Field>
          <Field label={t('exclusions.skus')} name={skus} error={props.errors[`/settings/${list}Exclusions/skus`]}>
            {(p) => <textarea {...p} rows={3} value={v[skus]} onInput={set(skus)} />}
          </Field>
        </ExclusionList>
      ))}
    </fieldset>
  );
}

/** One list: a titled group of its two fields (a div, not a fieldset, so that the fields can sit in a grid). */
function ExclusionList(props: { title: string; children: ComponentChildren }) {
  const id = useId();
  return (
    <div class="exclusions__list" role="group" aria-labelledby={id}>
      <p class="exclusions__title" id={id}>
        {props.title}
      </p>
      {props.children}
    </div>
  );
}
