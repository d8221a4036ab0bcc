import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createSilentLogger } from '../../../src/lib/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeLark } from '../../fakes/fake-lark.ts';
import { cardAction, messageEvent, type LarkApp } from '../../fakes/fake-lark-events.ts';
import { DATABASE_KINDS, freshDatabase } from '../../support/db.ts';

const LARK: LarkApp = { appId: 'cli_a1b2c3d4e5f60718', encryptKey: '', verificationToken: '' };
const TENANT = 'tenant_ws';
const LIN = 'ou_lin00000000000000000000000007';

describe.each(DATABASE_KINDS)('Lark long connection, LARK_MODE=ws (%s)', (kind) => {
  let fake: FakeLark;
  let app: App;
  let database: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    fake = await new FakeLark().start();
    fake.users.set(LIN, { name: '林涛' });
    database = await freshDatabase(kind);
    const config = loadConfig({
      CONSOLE: 'off', SCHEDULER: 'off', LARK_MODE: 'ws',
      LARK_APP_ID: LARK.appId, LARK_APP_SECRET: 'secret-for-tests', LARK_DOMAIN: fake.url,
    });
    config.port = 0;
    config.host = '127.0.0.1';
    app = await startApp(config, { clock: new FakeClock(), logger: createSilentLogger(), database, startDelivery: false });
    await fake.socket.connected();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await fake?.close();
  });

  it('connects with the app credentials and needs no public URL', async () => {
    expect(fake.socket.endpointCalls[0]).toMatchObject({ AppID: LARK.appId, AppSecret: 'secret-for-tests' });
    const res = await fetch(`${app.url}/lark/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('events pushed over the socket reach the same handlers, and a card action answers with the updated card', async () => {
    const answer = await fake.socket.push(messageEvent(LARK, { tenantKey: TENANT, chatId: 'oc_p2p_lin', chatType: 'p2p', openId: LIN, text: '主页' }));
    expect(answer.code).toBe(200);
    await app.delivery.runOnce();
    const home = fake.toUser(LIN).find((m) => m.msgType === 'interactive' && m.text.includes('林涛') && !m.text.includes('你好，我是'));
    expect(home).toBeDefined();

    const refresh = JSON.stringify(home!.content).match(/"value":(\{"kam":"a","a":"home\.refresh"[^}]*\})/);
    expect(refresh).not.toBeNull();
    const clicked = await fake.socket.push(cardAction(LARK, {
      tenantKey: TENANT, openId: LIN, messageId: home!.messageId, chatId: 'oc_p2p_lin', value: JSON.parse(refresh![1]!),
    }));
    expect(clicked.code).toBe(200);
    expect(clicked.data).toMatchObject({ card: { type: 'raw', data: { schema: '2.0' } } });
  });
});
