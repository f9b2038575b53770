/*
 * Browser tests: Debian's Chromium (no browser download) driven by playwright-core, against a
 * real server on loopback that serves the built web apps (built here when stale). Each page is
 * checked with axe-core and saved as a screenshot under test-results/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.mjs';
import type { ProgramSettings } from '../../src/domain/settings.js';
import { startServer, type TestServer } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(ROOT, 'test-results');
/** scripts/test.sh and .ci/run install Debian's chromium package when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function startWebServer(settings: Partial<ProgramSettings> = {}): Promise<TestServer> {
  await buildWeb({ quiet: true });
  return startServer('pglite', settings, { webRoot: path.join(ROOT, 'dist/web') });
}

export async function launchBrowser(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** A fresh browser profile: a phone for the member app, a laptop for the admin panel, in the given language. */
export async function newContext(browser: Browser, device: 'phone' | 'desktop', locale: 'ru-RU' | 'en-GB' = 'ru-RU'): Promise<BrowserContext> {
  const context = await browser.newContext(
    device === 'phone'
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale }
      : { viewport: { width: 1280, height: 900 }, locale },
  );
  context.setDefaultTimeout(45_000); // generous: CI's two cores are shared with the other suites
  return context;
}

/**
 * The checks every page gets: no axe-core violations (WCAG 2 A and AA), no text from a missing
 * translation, and a screenshot at test-results/<name>.png.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /⟦/, `${name}: a string has no translation`);
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  assert.deepEqual(violations, [], `${name}: accessibility violations`);
}

/** Collects errors the page logs or throws, to fail a test that "works" while the console is red. */
export function watchErrors(page: Page, expectedStatuses: number[] = [401, 404]): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Refused requests the app expects and handles (no session yet, not enrolled yet) are logged by
    // the browser as failed resources; anything else logged as an error is not expected.
    const status = /status of (\d{3})/.exec(m.text())?.[1];
    if (m.type() === 'error' && !(status && expectedStatuses.includes(Number(status)))) errors.push(m.text());
  });
  return errors;
}
