import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { domainError } from '../support/domain.js';

describe('configuration from the environment', () => {
  test('with nothing set, the server listens on 8080 and uses the embedded database in ./data', () => {
    const c = loadConfig({});
    assert.deepEqual([c.port, c.host, c.dataDir, c.databaseUrl, c.logLevel, c.jobIntervalSeconds], [8080, '0.0.0.0', './data', undefined, 'info', 60]);
  });

  test('DATABASE_URL switches to PostgreSQL', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/k' }).databaseUrl, 'postgres://u@db:5432/k');
  });

  test('every bad variable is named in one clear error', () => {
    const err = domainError(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JOB_INTERVAL_SECONDS: '-1' }), 'INVALID_CONFIG');
    for (const name of ['PORT=eighty', 'DATABASE_URL', 'LOG_LEVEL=loud', 'JOB_INTERVAL_SECONDS=-1']) assert.match(err.message, new RegExp(name));
  });
});
