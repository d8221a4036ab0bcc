import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { kpiTargets } from '../../db/schema/kpi.ts';
import { progressReports } from '../../db/schema/reports.ts';
import { trainingAssignments, trainingItems } from '../../db/schema/training.ts';
import { createTranslator } from '../../src/chat/i18n/index.ts';
import { toPlainText } from '../../src/chat/message.ts';
import { nudgeMessage, nudgesJob, NUDGE_MAX_ITEMS } from '../../src/jobs/nudges.ts';
import { messages } from '../../src/capabilities/schedule/i18n.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { addAssistant, addOverdueStep, db, startScheduleHarness, workspaceId, type ScheduleHarness } from './schedule-support.ts';

describe('the nudge message', () => {
  const t = createTranslator(messages, 'en');
  it('is capped: at most eight items, then "and N more"; nothing to say → no message', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ family: 'step', w: 1, m: 1, id: i + 1, account: `Client ${i}`, title: `Step ${i}`, due: '2026-11-01', total: 6 }))
      .concat(Array.from({ length: 3 }, (_, i) => ({ family: 'cadence', w: 1, m: 1, id: i + 10, account: `Account ${i}`, title: '', due: '', total: 5, days: 20, cadence: 7 } as never)))
      .concat(Array.from({ length: 3 }, (_, i) => ({ family: 'complaint', w: 1, m: 1, id: i + 20, account: `Client ${i}`, title: 'Late delivery', due: '', total: 3, hours: 30 } as never)));
    const msg = nudgeMessage(t, { nudgeMinutes: 570 }, rows)!;
    const text = toPlainText(msg);
    expect(msg.blocks.filter((b) => b.type === 'buttons')).toHaveLength(NUDGE_MAX_ITEMS);
    expect(text).toContain('14 things need you today');
    expect(text).toContain('and 6 more');
    // The most urgent first: complaints before next steps before cadence.
    expect(text.indexOf('Complaint')).toBeLessThan(text.indexOf('Next step'));
    expect(nudgeMessage(t, { nudgeMinutes: 570 }, [])).toBeUndefined();
  });
});

describe.each(DATABASE_KINDS)('nudge items (%s)', (kind) => {
  let h: ScheduleHarness;
  let preview: string;

  beforeAll(async () => {
    h = await startScheduleHarness(kind, '2026-11-02T00:00:00Z');
    const id = await addAssistant(h.t, 'ann', 'Asia/Shanghai');
    const ws = await workspaceId(h.t);
    const d = db(h.t);
    const at = (iso: string) => new Date(iso);
    await addOverdueStep(h.t, 'ann', 'Send the contract', '2026-11-20');
    // An account nobody touched for 20 days on a 7-day cadence, and one touched yesterday.
    const [stale] = await d.insert(accounts).values({ workspaceId: ws, name: 'Stale Co', tier: 'A', assistantId: id, cadenceDays: 7, createdAt: at('2026-11-03T00:00:00Z') }).returning();
    await d.insert(accounts).values({ workspaceId: ws, name: 'Fresh Co', tier: 'A', assistantId: id, cadenceDays: 3650, createdAt: at('2026-11-03T00:00:00Z') });
    // A complaint open for 30 hours, and one only 2 hours old.
    await d.insert(feedback).values([
      { workspaceId: ws, accountId: stale!.id, memberId: id, score: 1, text: 'Shipment arrived broken', isComplaint: true, status: 'open', receivedAt: at('2026-11-23T19:30:00Z') },
      { workspaceId: ws, accountId: stale!.id, memberId: id, score: 2, text: 'Invoice typo', isComplaint: true, status: 'open', receivedAt: at('2026-11-24T23:30:00Z') },
    ]);
    // Last Friday's report submitted, Tuesday's missing (checked on Wednesday).
    await d.insert(progressReports).values({ workspaceId: ws, memberId: id, periodKind: 'day', periodKey: '2026-11-20', done: 'x', submittedAt: at('2026-11-20T10:00:00Z') });
    // Overdue onboarding training.
    const [item] = await d.insert(trainingItems).values({ workspaceId: ws, key: 'custom_crm_test', title: 'CRM basics', dueOffsetDays: 7, createdAt: at('2026-11-02T00:00:00Z') }).returning();
    await d.insert(trainingAssignments).values({ workspaceId: ws, memberId: id, itemId: item!.id, dueDate: '2026-11-10', assignedAt: at('2026-11-03T00:00:00Z') });
    // A touches target of 40 a month: 0 done with 80% of November gone.
    await d.insert(kpiTargets).values({ workspaceId: ws, memberId: id, periodKind: 'month', metric: 'touches', value: '40', updatedAt: at('2026-11-02T00:00:00Z') });
    h.t.clock.set('2026-11-25T01:30:00Z'); // Wednesday 09:30 in Shanghai
    const report = await nudgesJob.run(h.context, { now: h.t.clock.now(), memberId: id, dryRun: true });
    expect(report.previews).toHaveLength(1);
    preview = toPlainText(report.previews[0]!.message);
  });
  afterAll(async () => { await h?.close(); });

  it('overdue next steps, with mark-done and snooze', () => {
    expect(preview).toContain('Next step overdue · ann Client');
    expect(preview).toContain('Send the contract (due 2026-11-20)');
    expect(preview).toContain('[Mark done] [Snooze 3 days]');
  });

  it('accounts past their touch cadence, but not the ones recently created or touched', () => {
    expect(preview).toContain('Stale Co: 22 days since the last touch (every 7 days)');
    expect(preview).not.toContain('Fresh Co');
  });

  it('complaints past the 24-hour response target only', () => {
    expect(preview).toContain('Complaint waiting 30 h');
    expect(preview).not.toContain('Invoice typo');
  });

  it('yesterday\'s missing report', () => {
    expect(preview).toContain('Report missing for 2026-11-24');
  });

  it('overdue training and KPI pace behind target', () => {
    expect(preview).toContain('Training overdue · Company culture and values (due 2026-11-05)');
    expect(preview).toMatch(/Client touches behind pace · \d+% of this month's target with 8\d% of the month gone/);
  });
});
