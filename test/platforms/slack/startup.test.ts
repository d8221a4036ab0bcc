import { describe, expect, it } from 'vitest';
import { startApp } from '../../../src/app.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { createSilentLogger } from '../../../src/lib/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeSlack } from '../../fakes/fake-slack.ts';
import { DATABASE_KINDS, freshDatabase } from '../../support/db.ts';

describe.each(DATABASE_KINDS)('Slack start-up (%s)', (kind) => {
  it('a bot token Slack rejects stops start-up with one clear configuration error', async () => {
    const fake = await new FakeSlack().start();
    const database = await freshDatabase(kind);
    try {
      const config = loadConfig({ CONSOLE: 'off', SCHEDULER: 'off', SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: fake.apiUrl });
      config.port = 0;
      const started = startApp(config, { clock: new FakeClock(), logger: createSilentLogger(), database, startDelivery: false });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      await expect(started).rejects.toThrow(/SLACK_BOT_TOKEN was rejected by Slack \(auth\.test: invalid_auth\)/);
      // The token itself is never echoed back.
      await expect(started).rejects.not.toThrow(/xoxb-revoked/);
    } finally {
      await database.close();
      await fake.close();
    }
  });
});
