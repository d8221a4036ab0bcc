import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../../db/schema/accounts.ts';
import { outbox } from '../../../db/schema/delivery.ts';
import { feedback } from '../../../db/schema/feedback.ts';
import { members } from '../../../db/schema/members.ts';
import { touches } from '../../../db/schema/touches.ts';
import { workspaces } from '../../../db/schema/workspaces.ts';
import { startApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createSilentLogger } from '../../../src/lib/logger.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeLark, visibleText, type SentMessage } from '../../fakes/fake-lark.ts';
import {
  botAddedEvent, cardAction, encrypt, messageEvent, p2pChatCreateEvent, signed, signedLegacyCard,
  type LarkApp, type MessageOptions, type SignedRequest,
} from '../../fakes/fake-lark-events.ts';
import { DATABASE_KINDS, freshDatabase } from '../../support/db.ts';

const LARK: LarkApp = { appId: 'cli_a1b2c3d4e5f60718', encryptKey: 'kam-encrypt-key-for-tests', verificationToken: 'kam-verification-token' };
const ACME = 'tenant_acme';
const OTHER = 'tenant_globex';
const WANG = 'ou_wang0000000000000000000000001';
const MEI = 'ou_mei00000000000000000000000002';
const ZHAO = 'ou_zhao0000000000000000000000003';
const GROUP = 'oc_sales_group_00000000000000001';
const BOT = 'ou_bot_kam';

interface CardResponse {
  toast?: { type: string; content: string };
  card?: { type: string; data: Record<string, unknown> };
}

/** Every callback value (our button payloads) in a card, with the button label. */
function buttonsIn(content: unknown): Array<{ label: string; value: Record<string, unknown> }> {
  const out: Array<{ label: string; value: Record<string, unknown> }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.tag === 'button') {
      const behaviors = n.behaviors as Array<{ value: Record<string, unknown> }>;
      out.push({ label: (n.text as { content: string }).content, value: behaviors[0]!.value });
    }
    Object.values(n).forEach(walk);
  };
  walk(content);
  return out;
}

describe.each(DATABASE_KINDS)('Lark / Feishu platform (%s)', (kind) => {
  let fake: FakeLark;
  let app: App;
  let clock: FakeClock;
  let database: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    fake = await new FakeLark().start();
    fake.users.set(WANG, { name: '王丽' });
    fake.users.set(MEI, { name: '陈美' });
    fake.users.set(ZHAO, { name: '赵强' });
    clock = new FakeClock('2026-11-30T02:00:00Z');
    database = await freshDatabase(kind);
    const config = loadConfig({
      CONSOLE: 'off', SCHEDULER: 'off', DEFAULT_TIMEZONE: 'Asia/Shanghai',
      LARK_APP_ID: LARK.appId, LARK_APP_SECRET: 'secret-for-tests', LARK_DOMAIN: fake.url,
      LARK_ENCRYPT_KEY: LARK.encryptKey, LARK_VERIFICATION_TOKEN: LARK.verificationToken,
    });
    config.port = 0;
    config.host = '127.0.0.1';
    app = await startApp(config, { clock, logger: createSilentLogger(), database, startDelivery: false });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await fake?.close();
  });

  const post = (request: SignedRequest) => fetch(`${app.url}/lark/events`, { method: 'POST', headers: request.headers, body: request.body });
  /** Sends an encrypted, signed event and returns Lark's view of the answer. */
  const send = async (payload: unknown): Promise<CardResponse> => {
    const res = await post(signed(LARK, payload));
    expect(res.status).toBe(200);
    return (await res.json()) as CardResponse;
  };
  const say = (o: Partial<MessageOptions> & { openId: string; text: string }) =>
    send(messageEvent(LARK, { tenantKey: ACME, chatId: `oc_p2p_${o.openId.slice(3, 10)}`, chatType: 'p2p', ...o }));
  const deliver = () => app.delivery.runOnce();
  const newSince = (mark: number) => fake.sent.slice(mark);
  const memberRow = async (tenant: string, openId: string) => {
    const [row] = await database.db.select({ m: members }).from(members)
      .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
      .where(and(eq(workspaces.platform, 'lark'), eq(workspaces.externalId, tenant), eq(members.externalId, openId)));
    return row?.m;
  };

  it('answers url_verification, plain and encrypted, and rejects a wrong token', async () => {
    const plain = { challenge: 'ajls384kdjx98XX', token: LARK.verificationToken, type: 'url_verification' };
    let res = await fetch(`${app.url}/lark/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plain) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });

    const body = JSON.stringify({ encrypt: encrypt(JSON.stringify({ ...plain, challenge: 'c-encrypted-1' }), LARK.encryptKey) });
    res = await fetch(`${app.url}/lark/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await res.json()).toEqual({ challenge: 'c-encrypted-1' });

    res = await fetch(`${app.url}/lark/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...plain, token: 'guess' }) });
    expect(res.status).toBe(401);
  });

  it('a first p2p message creates the member (name from the contact API, Chinese), welcomes them and answers help', async () => {
    const mark = fake.sent.length;
    await say({ openId: WANG, text: 'help' });
    await deliver();
    const sent = newSince(mark);
    expect(sent.every((m) => m.receiveIdType === 'open_id' && m.receiveId === WANG)).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent.find((m) => m.text.includes('王丽，你好，我是 KAM Bot'))).toBeDefined();
    const help = sent.find((m) => m.text.includes('KAM Bot：我能做什么'))!;
    expect(help.msgType).toBe('interactive');
    expect(help.content).toMatchObject({ schema: '2.0', header: { title: { tag: 'plain_text' } } });
    const wang = await memberRow(ACME, WANG);
    expect(wang).toMatchObject({ displayName: '王丽', locale: 'zh-CN', role: 'admin' });
    // The SDK fetched a tenant token and the contact API was asked with open_id.
    expect(fake.calls.some((c) => c.path === '/open-apis/auth/v3/tenant_access_token/internal')).toBe(true);
    expect(fake.calls.find((c) => c.path === `/open-apis/contact/v3/users/${WANG}`)?.query).toMatchObject({ user_id_type: 'open_id' });
    expect(fake.calls.find((c) => c.path === '/open-apis/im/v1/messages')?.authorization).toMatch(/^Bearer t-fake-/);
  });

  it('Chinese aliases and /kam commands work in p2p, and a second message gets no second welcome', async () => {
    const mark = fake.sent.length;
    await say({ openId: WANG, text: '/kam 帮助 反馈' });
    await say({ openId: WANG, text: '我是谁' });
    await deliver();
    const sent = newSince(mark);
    expect(sent).toHaveLength(2);
    // The outbox does not promise an order between two answers; each one arrives once.
    expect(sent.filter((m) => m.text.includes('/kam feedback'))).toHaveLength(1);
    expect(sent.filter((m) => m.text.includes('你是 王丽'))).toHaveLength(1);
    expect(sent.some((m) => m.text.includes('你好，我是 KAM Bot'))).toBe(false);
  });

  it('parses rich-text (post) messages', async () => {
    const mark = fake.sent.length;
    await say({
      openId: WANG, text: '', messageType: 'post',
      post: { title: '', content: [[{ tag: 'text', text: '帮助', style: [] }, { tag: 'text', text: ' 反馈', style: ['bold'] }]] },
    });
    await deliver();
    expect(newSince(mark)[0]!.text).toContain('/kam feedback');
  });

  it('the same event delivered twice is handled once', async () => {
    const event = messageEvent(LARK, { tenantKey: ACME, chatId: 'oc_p2p_wang', chatType: 'p2p', openId: WANG, text: 'whoami', eventId: 'ev_dup_0001' });
    const mark = fake.sent.length;
    await send(event);
    await send(event);
    await deliver();
    expect(newSince(mark)).toHaveLength(1);
  });

  it('rejects a wrong verification token or a bad signature, and nothing runs', async () => {
    const before = await database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    const wrongToken = messageEvent(LARK, { tenantKey: ACME, chatId: 'oc_p2p_x', chatType: 'p2p', openId: 'ou_intruder', text: 'help', token: 'not-the-token' });
    expect((await post(signed(LARK, wrongToken))).status).toBe(401);

    const event = messageEvent(LARK, { tenantKey: ACME, chatId: 'oc_p2p_x', chatType: 'p2p', openId: 'ou_intruder', text: 'help' });
    expect((await post(signed(LARK, event, { encryptKeyForSignature: 'someone-else' }))).status).toBe(401);
    const unsigned = signed(LARK, event);
    delete unsigned.headers['x-lark-signature'];
    expect((await post(unsigned)).status).toBe(401);
    // Tampering with the body after signing breaks the signature.
    const tampered = signed(LARK, event);
    tampered.body = JSON.stringify({ encrypt: encrypt(JSON.stringify(event), LARK.encryptKey) });
    expect((await post(tampered)).status).toBe(401);
    // A body encrypted with another key cannot be read.
    const foreign = signed({ ...LARK, encryptKey: 'another-app-key' }, event, { encryptKeyForSignature: LARK.encryptKey });
    expect((await post(foreign)).status).toBe(400);

    const after = await database.db.select({ n: sql<number>`count(*)::int` }).from(outbox);
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(await memberRow(ACME, 'ou_intruder')).toBeUndefined();
  });

  it('in a group, only @mentions of the bot run; private answers go to the p2p chat, public ones reply in the group', async () => {
    await say({ openId: MEI, text: 'hi' });
    await deliver();
    let mark = fake.sent.length;
    // Not addressed to the bot: ignored.
    await send(messageEvent(LARK, { tenantKey: ACME, chatId: GROUP, chatType: 'group', openId: MEI, text: '@_user_1 午饭吃什么', mentions: [{ key: '@_user_1', openId: WANG, name: '王丽' }] }));
    // A message from another bot: ignored.
    await send(messageEvent(LARK, { tenantKey: ACME, chatId: GROUP, chatType: 'group', openId: 'ou_other_bot', senderType: 'app', text: '@_user_1 help', mentions: [{ key: '@_user_1', openId: BOT, name: 'KAM Bot' }] }));
    await deliver();
    expect(newSince(mark)).toHaveLength(0);

    await send(messageEvent(LARK, { tenantKey: ACME, chatId: GROUP, chatType: 'group', openId: MEI, text: '@_user_1 whoami', mentions: [{ key: '@_user_1', openId: BOT, name: 'KAM Bot' }] }));
    await deliver();
    const whoami = newSince(mark);
    expect(whoami).toHaveLength(1);
    expect(whoami[0]).toMatchObject({ receiveIdType: 'open_id', receiveId: MEI });
    expect(whoami[0]!.text).toContain('陈美');

    mark = fake.sent.length;
    const messageId = 'om_group_kudos_1';
    await send(messageEvent(LARK, {
      tenantKey: ACME, chatId: GROUP, chatType: 'group', openId: MEI, messageId,
      text: '@_user_1 表扬 @_user_2 谢谢你帮我整理客户资料',
      mentions: [{ key: '@_user_1', openId: BOT, name: 'KAM Bot' }, { key: '@_user_2', openId: WANG, name: '王丽' }],
    }));
    await deliver();
    const sent = newSince(mark);
    const inGroup = fake.repliesTo(messageId);
    expect(inGroup).toHaveLength(1);
    expect(JSON.stringify(inGroup[0]!.content)).toContain(`<at id=${WANG}></at>`);
    expect(inGroup[0]!.text).toContain('谢谢你帮我整理客户资料');
    // The giver's note and the receiver's DM are private.
    expect(sent.filter((m) => m.receiveId === MEI).map((m) => m.text).join('\n')).toContain('感谢你认可');
    expect(sent.some((m) => m.receiveId === WANG)).toBe(true);
  });

  it('an admin makes a group the team channel; kudos given in a p2p chat are then posted there', async () => {
    await send(messageEvent(LARK, { tenantKey: ACME, chatId: GROUP, chatType: 'group', openId: WANG, text: '@_user_1 管理 频道', mentions: [{ key: '@_user_1', openId: BOT, name: 'KAM Bot' }] }));
    await deliver();
    const mark = fake.sent.length;
    await say({ openId: MEI, text: '表扬 @_user_1 客户资料整理得很清楚', mentions: [{ key: '@_user_1', openId: WANG, name: '王丽' }] });
    await deliver();
    const toGroup = newSince(mark).filter((m) => m.receiveIdType === 'chat_id' && m.receiveId === GROUP);
    expect(toGroup).toHaveLength(1);
    expect(toGroup[0]!.text).toContain('客户资料整理得很清楚');
  });

  it('welcomes a group when the bot is added, and a person when they open a p2p chat', async () => {
    const mark = fake.sent.length;
    await send(botAddedEvent(LARK, { tenantKey: ACME, chatId: 'oc_new_group_000000000000000001', operatorOpenId: WANG, name: '华东销售群' }));
    await send(p2pChatCreateEvent(LARK, { tenantKey: ACME, chatId: 'oc_p2p_newbie', openId: 'ou_newbie00000000000000000000004', name: '李娜' }));
    await deliver();
    const sent = newSince(mark);
    expect(fake.toChat('oc_new_group_000000000000000001')[0]!.text).toContain('感谢把我拉进群');
    const dm = sent.find((m) => m.receiveId === 'ou_newbie00000000000000000000004');
    expect(dm?.text).toContain('李娜，你好');
    expect(await memberRow(ACME, 'ou_newbie00000000000000000000004')).toMatchObject({ displayName: '李娜', locale: 'zh-CN', role: 'assistant' });
  });

  it('another tenant is its own workspace: its first user is its admin and sees nothing of the first tenant', async () => {
    const mark = fake.sent.length;
    await say({ tenantKey: OTHER, openId: ZHAO, text: 'whoami' });
    await say({ tenantKey: OTHER, openId: ZHAO, text: 'team' });
    await deliver();
    const zhao = await memberRow(OTHER, ZHAO);
    expect(zhao).toMatchObject({ role: 'admin', displayName: '赵强' });
    const text = newSince(mark).map((m) => m.text).join('\n');
    expect(text).not.toContain('陈美');
    expect(text).not.toContain('王丽');
    const [acme] = await database.db.select().from(workspaces).where(eq(workspaces.externalId, ACME));
    const [other] = await database.db.select().from(workspaces).where(eq(workspaces.externalId, OTHER));
    expect(acme!.id).not.toBe(other!.id);
  });

  describe('cards: forms, buttons and in-place updates', () => {
    let accountId: number;
    let formCard: SentMessage;

    beforeAll(async () => {
      const wang = (await memberRow(ACME, WANG))!;
      const mei = (await memberRow(ACME, MEI))!;
      await database.db.update(members).set({ managerId: wang.id }).where(eq(members.id, mei.id));
      const [row] = await database.db.insert(accounts).values({
        workspaceId: wang.workspaceId, name: '华东制造', tier: 'A', managerId: wang.id, assistantId: mei.id, cadenceDays: 14, createdAt: clock.now(),
      }).returning();
      accountId = row!.id;
    });

    const submit = (card: SentMessage, formValue: Record<string, unknown>, user = MEI) => {
      const button = buttonsIn(card.content).at(-1)!;
      return send(cardAction(LARK, {
        tenantKey: ACME, openId: user, messageId: card.messageId, chatId: `oc_p2p_${user.slice(3, 10)}`,
        value: button.value, formValue, name: 'kam_submit',
      }));
    };

    it('an assistant logs a client touch in Chinese from a p2p chat', async () => {
      const mark = fake.sent.length;
      await say({ openId: MEI, text: '跟进 华东制造 电话 "确认了年底订单"' });
      await deliver();
      const reply = newSince(mark).find((m) => m.receiveId === MEI)!;
      expect(reply.text).toContain('已记录');
      expect(reply.text).toContain('华东制造');
      const rows = await database.db.select().from(touches).where(eq(touches.accountId, accountId));
      expect(rows).toHaveLength(1);
    });

    it('a command without arguments opens a form card with a form container and a submit button', async () => {
      const mark = fake.sent.length;
      await say({ openId: MEI, text: '反馈' });
      await deliver();
      formCard = newSince(mark)[0]!;
      expect(formCard.msgType).toBe('interactive');
      const form = (formCard.content.body as { elements: Array<Record<string, unknown>> }).elements.find((e) => e.tag === 'form')!;
      const tags = (form.elements as Array<{ tag: string; name?: string; form_action_type?: string }>).map((e) => e.tag);
      expect(tags).toContain('select_static');
      expect(tags).toContain('input');
      expect((form.elements as Array<{ form_action_type?: string }>).at(-1)!.form_action_type).toBe('submit');
      expect(formCard.text).toContain('华东制造');
    });

    it('a submit with errors shows the form again with the errors inline, and saves nothing', async () => {
      const before = await database.db.select({ n: sql<number>`count(*)::int` }).from(feedback);
      const res = await submit(formCard, { account: String(accountId), score: '', category: 'service', complaint: 'yes', text: '   ' });
      expect(res.toast?.type).toBe('error');
      expect(res.card?.type).toBe('raw');
      const text = visibleText(res.card!.data);
      expect(text).toContain('⚠️');
      expect(buttonsIn(res.card!.data).at(-1)!.value).toMatchObject({ kam: 'f' });
      const after = await database.db.select({ n: sql<number>`count(*)::int` }).from(feedback);
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it('a good submit replaces the form with the result; a double submit saves once; the manager gets an alert card', async () => {
      const values = { account: String(accountId), score: '2', category: 'service', complaint: 'yes', text: '交货延迟，客户很不满意' };
      const res = await submit(formCard, values);
      expect(res.card?.type).toBe('raw');
      expect(visibleText(res.card!.data)).toContain('华东制造');
      const again = await submit(formCard, values);
      expect(again.card).toBeUndefined();
      expect(again.toast?.content).toBeTruthy();
      const rows = await database.db.select().from(feedback).where(eq(feedback.accountId, accountId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ isComplaint: true, status: 'open', text: '交货延迟，客户很不满意' });
      await deliver();
      const alert = fake.toUser(WANG).at(-1)!;
      expect(alert.text).toContain('交货延迟');
      expect(buttonsIn(alert.content).map((b) => (b.value as { a: string }).a)).toEqual(['feedback.ack', 'feedback.resolve', 'feedback.account']);
    });

    it('a button updates the card in place; a re-delivered click runs once, a second click changes nothing', async () => {
      const alert = fake.toUser(WANG).at(-1)!;
      const ack = buttonsIn(alert.content).find((b) => (b.value as { a: string }).a === 'feedback.ack')!;
      const click = cardAction(LARK, { tenantKey: ACME, openId: WANG, messageId: alert.messageId, chatId: 'oc_p2p_wang', value: ack.value });
      const res = await send(click);
      expect(res.card?.type).toBe('raw');
      // Acknowledged: the acknowledge button is gone, resolve is still there.
      expect(buttonsIn(res.card!.data).map((b) => (b.value as { a: string }).a)).toEqual(['feedback.resolve', 'feedback.account']);
      const redelivered = await send(click);
      expect(redelivered.card).toBeUndefined();
      expect(redelivered.toast?.type).toBe('info');
      await deliver();
      expect(fake.toUser(MEI).at(-1)!.text).toContain('王丽');
      const mark = fake.sent.length;
      const secondClick = await send(cardAction(LARK, { tenantKey: ACME, openId: WANG, messageId: alert.messageId, chatId: 'oc_p2p_wang', value: ack.value }));
      expect(buttonsIn(secondClick.card!.data).map((b) => (b.value as { a: string }).a)).toEqual(['feedback.resolve', 'feedback.account']);
      await deliver();
      // Nobody is told twice that the complaint was acknowledged.
      expect(newSince(mark).filter((m) => m.receiveId === MEI)).toHaveLength(0);
      const [row] = await database.db.select().from(feedback).where(eq(feedback.accountId, accountId));
      expect(row!.status).toBe('acknowledged');
    });

    it('resolve opens a form; once resolved, the card loses its buttons', async () => {
      const alert = fake.toUser(WANG).at(-1)!;
      const resolve = buttonsIn(alert.content).find((b) => (b.value as { a: string }).a === 'feedback.resolve')!;
      const mark = fake.sent.length;
      await send(cardAction(LARK, { tenantKey: ACME, openId: WANG, messageId: alert.messageId, chatId: 'oc_p2p_wang', value: resolve.value }));
      await deliver();
      const noteForm = newSince(mark).find((m) => m.receiveId === WANG && JSON.stringify(m.content).includes('"tag":"form"'))!;
      expect(noteForm).toBeDefined();
      const empty = await submit(noteForm, { note: '' }, WANG);
      expect(empty.toast?.type).toBe('error');
      const done = await submit(noteForm, { note: '已安排加急发货并补偿运费' }, WANG);
      expect(done.card?.type).toBe('raw');
      const [row] = await database.db.select().from(feedback).where(eq(feedback.accountId, accountId));
      expect(row).toMatchObject({ status: 'resolved', resolutionNote: '已安排加急发货并补偿运费' });
      // Clicking resolve on the old card now shows it as it is: resolved, no ack/resolve buttons.
      const stale = await send(cardAction(LARK, { tenantKey: ACME, openId: WANG, messageId: alert.messageId, chatId: 'oc_p2p_wang', value: { ...resolve.value } , eventId: 'ev_stale_1' }));
      const actions = buttonsIn(stale.card!.data).map((b) => (b.value as { a: string }).a);
      expect(actions).not.toContain('feedback.resolve');
      expect(actions).not.toContain('feedback.ack');
    });

    it('legacy card callbacks are verified with the sha1 signature', async () => {
      await deliver();
      const alert = fake.toUser(WANG).filter((m) => buttonsIn(m.content).some((b) => (b.value as { a: string }).a === 'feedback.account')).at(-1)!;
      const account = buttonsIn(alert.content).find((b) => (b.value as { a: string }).a === 'feedback.account')!;
      const body = {
        open_id: WANG, user_id: 'wang0000', open_message_id: alert.messageId, open_chat_id: 'oc_p2p_wang',
        tenant_key: ACME, token: 'c-legacy-update-token', action: { value: account.value, tag: 'button' },
      };
      expect((await post(signedLegacyCard(LARK, body, 'wrong-token'))).status).toBe(401);
      const mark = fake.sent.length;
      expect((await post(signedLegacyCard(LARK, body))).status).toBe(200);
      await deliver();
      expect(newSince(mark).map((m) => m.text).join('\n')).toContain('华东制造');
      // A button that updates its card: a legacy callback cannot take a 2.0 card back, so the card is PATCHed.
      const resolve = { ...body, token: 'c-legacy-update-token-2', action: { value: { kam: 'a', a: 'feedback.resolve', v: (account.value as { v: string }).v, k: 'd' }, tag: 'button' } };
      const [row] = await database.db.select().from(feedback).where(eq(feedback.accountId, accountId));
      resolve.action.value.v = String(row!.id);
      expect((await post(signedLegacyCard(LARK, resolve))).status).toBe(200);
      const patch = fake.patches.find((p) => p.messageId === alert.messageId);
      expect(patch).toBeDefined();
      expect(visibleText(patch!.content)).toContain('已安排加急发货并补偿运费');
      expect(buttonsIn(patch!.content).map((b) => (b.value as { a: string }).a)).toEqual(['feedback.account']);
    });
  });

  it('an expired tenant_access_token is fetched again and the message still arrives once', async () => {
    await deliver();
    const issued = fake.tokensIssued;
    fake.revokeTokens();
    const mark = fake.sent.length;
    await say({ openId: WANG, text: 'whoami', eventId: 'ev_token_expired_1' });
    await deliver();
    clock.advance(10_000);
    await deliver();
    expect(fake.tokensIssued).toBeGreaterThan(issued);
    expect(newSince(mark).filter((m) => m.text.includes('你是 王丽'))).toHaveLength(1);
  });

  it('a rate-limited send is retried after x-ogw-ratelimit-reset and delivered once; a 5xx is retried; a bad chat is given up', async () => {
    await deliver();
    fake.failNext(1, { status: 429, headers: { 'x-ogw-ratelimit-reset': '7' } });
    const mark = fake.sent.length;
    await say({ openId: WANG, text: 'whoami', eventId: 'ev_rate_limited_1' });
    expect(await deliver()).toBe(0);
    const [queued] = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, 'lark:ev_rate_limited_1:0'));
    expect(queued).toMatchObject({ status: 'pending', attempts: 1 });
    expect(queued!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(7_000);
    clock.advance(7_000);
    fake.failNext(1, { status: 503 });
    expect(await deliver()).toBe(0);
    clock.advance(60_000);
    expect(await deliver()).toBe(1);
    expect(newSince(mark).filter((m) => m.text.includes('王丽'))).toHaveLength(1);

    fake.unknownIds.add('oc_gone_chat_000000000000000009');
    const [ws] = await database.db.select().from(workspaces).where(eq(workspaces.externalId, ACME));
    await database.db.insert(outbox).values({
      workspaceId: ws!.id, conversation: 'oc_gone_chat_000000000000000009', message: { blocks: [{ type: 'text', text: 'hello' }] },
      dedupeKey: 'test:gone-chat', nextAttemptAt: clock.now(), createdAt: clock.now(),
    });
    await deliver();
    const [dead] = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, 'test:gone-chat'));
    expect(dead).toMatchObject({ status: 'dead' });
    expect(dead!.lastError).toContain('230001');
  });
});
