/*
 * Two checks of what a person sees, run inside the page: nothing wider than the screen or than its
 * card, and, on a Russian page, no English words (test/browser/readable.test.ts). The page-side
 * code is plain JavaScript in strings: the tests compile without the DOM's types.
 */
import type { Page } from 'playwright-core';

const OVERFLOWS = String.raw`(() => {
  const found = [];
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) found.push('the page scrolls sideways: ' + root.scrollWidth + ' px in ' + root.clientWidth + ' px');
  const name = (e) => {
    const id = e.getAttribute('data-testid');
    const text = (e.innerText || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return '<' + e.tagName.toLowerCase() + (id ? ' data-testid=' + id : '') + (typeof e.className === 'string' && e.className ? ' class="' + e.className + '"' : '') + '> "' + text + '"';
  };
  const hidden = (e) => e.closest('.visually-hidden, details:not([open]) > :not(summary)') !== null;
  for (const card of document.querySelectorAll('.card, .stat')) {
    const box = card.getBoundingClientRect();
    if (box.width === 0) continue;
    for (const e of card.querySelectorAll('*')) {
      if (hidden(e)) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > box.right + 1 || r.left < box.left - 1) {
        found.push(name(e) + ' is ' + Math.round(r.width) + ' px wide and reaches past its card ' + name(card) + ' (' + Math.round(box.left) + '–' + Math.round(box.right) + ' px): ' + Math.round(r.left) + '–' + Math.round(r.right) + ' px');
        break; // one line per card is enough to find it
      }
    }
  }
  // Content wider than the block that holds it (a long word, a figure, a wide table in a box).
  for (const e of document.querySelectorAll('main *')) {
    if (hidden(e) || e.closest('svg')) continue;
    const style = getComputedStyle(e);
    if (style.display === 'inline' || style.overflowX !== 'visible' || e.clientWidth === 0) continue;
    if (e.scrollWidth > e.clientWidth + 1) found.push(name(e) + ' holds content ' + e.scrollWidth + ' px wide in ' + e.clientWidth + ' px');
  }
  return [...new Set(found)];
})()`;

/**
 * Everything that sticks out: the page scrolling sideways, an element reaching past the card or
 * tile (`.card`, `.stat`) it is in, or content spilling out of its own box. Each as a sentence.
 */
export async function overflows(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(OVERFLOWS);
}

const TEXTS = String.raw`(() => {
  const out = [];
  const skip = (e) => e !== null && e.closest('code, script, style, [data-as-typed], [lang]:not([lang^="ru"])') !== null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!skip(n.parentElement) && n.textContent.trim()) out.push(n.textContent);
  }
  for (const e of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (skip(e)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = e.getAttribute(a);
      if (v) out.push(v);
    }
  }
  out.push(document.title);
  return out;
})()`;

/**
 * Words in Latin letters a Russian page shows (text, and the readable attributes aria-label, title,
 * placeholder, alt), except: the brand and accepted abbreviations (ALLOWED_LATIN), e-mail and web
 * addresses (data a person typed), `<code>` (ids, coupon codes, card tokens: data, not language),
 * text marked as typed data (`data-as-typed`: a recorded value in the audit log) and
 * text marked as another language (`lang="en"`: the "EN" of the language switch).
 */
export const ALLOWED_LATIN = new Set(['Kopilka', 'E-mail', 'e-mail', 'RU', 'QR', 'API', 'CSV', 'JSON', 'SMS', 'RFM', 'R', 'F', 'M', 'FM', 'NPS', 'N', 'Excel']);

export async function latinWords(page: Page): Promise<string[]> {
  const texts = await page.evaluate<string[]>(TEXTS);
  return latinIn(texts);
}

/** The words of `texts` that fail the check (pure, so that a unit test can show it can fail). */
export function latinIn(texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    const cleaned = text.replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
    for (const w of cleaned.match(/[A-Za-z]+(?:-[A-Za-z]+)*/g) ?? []) if (!ALLOWED_LATIN.has(w)) words.add(w);
  }
  return [...words];
}
