import { and, desc, eq, inArray } from 'drizzle-orm';
import { bonusProposals, bonusRules, BONUS_METRICS, type BonusLine, type BonusMetric, type BonusProposal, type BonusRules } from '../../../db/schema/incentives.ts';
import type { Scope } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { normaliseCurrency, parseAmount } from '../kpi/money.ts';
import type { KpiSnapshot } from '../kpi/service.ts';

/** Validated bonus rules, ready to store. */
export interface RulesInput {
  baseMinor: bigint;
  currency: string;
  weightsBp: Partial<Record<BonusMetric, number>>;
  minPct: number;
  capPct: number;
}

const METRIC_NAMES: Record<string, BonusMetric> = {
  touches: 'touches', visits: 'visits', csat: 'csat', sales: 'sales', growth: 'growth', coverage: 'coverage', ontime: 'ontime',
  '跟进': 'touches', '拜访': 'visits', '满意度': 'csat', '销售': 'sales', '增长': 'growth', '覆盖': 'coverage', '准时': 'ontime',
};

/** A share typed as 0.3, .3 or 30% → basis points (3000), or null. */
export function parseShareBp(raw: string): number | null {
  const text = raw.trim();
  let m = text.match(/^(\d{1,3}(?:\.\d{1,2})?)\s*[%％]$/);
  if (m) return Math.round(Number(m[1]) * 100);
  m = text.match(/^(0?\.\d{1,4}|1(?:\.0{1,4})?|0)$/);
  if (m) return Math.round(Number(m[1]) * 10_000);
  return null;
}

/** A percentage typed as 60% or 60 → integer percent, or null. */
function parsePercent(raw: string): number | null {
  const m = raw.trim().match(/^(\d{1,4})\s*[%％]?$/);
  return m ? Number(m[1]) : null;
}

const USAGE = 'bonus';

/**
 * Parses and validates `base=5000 currency=CNY weight.touches=0.3 … min=60% cap=150%`.
 * Every problem is a UserError that names the field; nothing is stored until all pass.
 */
export function parseRules(pairs: Array<[string, string]>): RulesInput {
  let baseRaw: string | undefined;
  let currency = 'CNY';
  let minPct = 0;
  let capPct = 100;
  const weightsBp: Partial<Record<BonusMetric, number>> = {};
  for (const [rawKey, value] of pairs) {
    const key = rawKey.toLowerCase();
    if (key === 'base' || key === '基数') baseRaw = value;
    else if (key === 'currency' || key === '货币') {
      const c = normaliseCurrency(value);
      if (!c) throw new UserError('incentives.badCurrency', { value: value.slice(0, 20) }, USAGE);
      currency = c;
    } else if (key === 'min' || key === '最低') {
      const v = parsePercent(value);
      if (v === null || v > 100) throw new UserError('incentives.badMin', { value: value.slice(0, 20) }, USAGE);
      minPct = v;
    } else if (key === 'cap' || key === '上限') {
      const v = parsePercent(value);
      if (v === null || v < 100 || v > 1000) throw new UserError('incentives.badCap', { value: value.slice(0, 20) }, USAGE);
      capPct = v;
    } else if (key.startsWith('weight.') || key.startsWith('权重.')) {
      const metric = METRIC_NAMES[key.slice(key.indexOf('.') + 1)];
      if (!metric) throw new UserError('incentives.badMetric', { value: rawKey.slice(0, 40), metrics: BONUS_METRICS.join(', ') }, USAGE);
      const bp = parseShareBp(value);
      if (bp === null || bp <= 0 || bp > 10_000) throw new UserError('incentives.badWeight', { value: value.slice(0, 20), metric }, USAGE);
      weightsBp[metric] = bp;
    } else {
      throw new UserError('incentives.unknownRule', { value: rawKey.slice(0, 40) }, USAGE);
    }
  }
  if (baseRaw === undefined) throw new UserError('incentives.baseRequired', {}, USAGE);
  const baseMinor = parseAmount(baseRaw, currency);
  if (baseMinor === null || baseMinor <= 0n) throw new UserError('incentives.badBase', { value: baseRaw.slice(0, 30) }, USAGE);
  const entries = Object.entries(weightsBp);
  if (!entries.length) throw new UserError('incentives.weightsRequired', {}, USAGE);
  const sum = entries.reduce((acc, [, bp]) => acc + bp, 0);
  if (sum !== 10_000) throw new UserError('incentives.weightsSum', { sum: `${sum / 100}%` }, USAGE);
  return { baseMinor, currency, weightsBp, minPct, capPct };
}

/** The KPI actual and target a bonus weight refers to, from a quarter snapshot. */
function actualAndTarget(snapshot: KpiSnapshot, metric: BonusMetric): { actual: number | null; target: number | null } {
  const line = snapshot.lines.find((l) => l.metric === metric);
  return { actual: line?.actual ?? null, target: line?.target ?? null };
}

/**
 * The bonus for one quarter snapshot, in exact integer arithmetic:
 * for each weighted KPI, achievement = actual / target (basis points); below the minimum it pays
 * nothing, otherwise base × weight × achievement; the total is capped at base × cap.
 * A KPI without a target (or with a target ≤ 0) pays nothing and says so in the breakdown.
 */
export function computeBonus(rules: Pick<BonusRules, 'baseMinor' | 'weightsBp' | 'minPct' | 'capPct'>, snapshot: KpiSnapshot): { totalMinor: bigint; uncappedMinor: bigint; capped: boolean; lines: BonusLine[] } {
  const lines: BonusLine[] = [];
  let sum = 0n;
  for (const metric of BONUS_METRICS) {
    const weightBp = rules.weightsBp[metric];
    if (!weightBp) continue;
    const { actual, target } = actualAndTarget(snapshot, metric);
    let achievementBp: number | null = null;
    let payout = 0n;
    if (actual !== null && target !== null && target > 0) {
      achievementBp = Math.max(0, Math.round((actual / target) * 10_000));
      if (achievementBp >= rules.minPct * 100) payout = (rules.baseMinor * BigInt(weightBp) * BigInt(achievementBp)) / 100_000_000n;
    }
    sum += payout;
    lines.push({ metric, weightBp, actual: actual === null ? null : String(actual), target: target === null ? null : String(target), achievementBp, payoutMinor: payout.toString() });
  }
  const cap = (rules.baseMinor * BigInt(rules.capPct)) / 100n;
  const total = sum > cap ? cap : sum;
  return { totalMinor: total, uncappedMinor: sum, capped: sum > cap, lines };
}

export const incentivesService = {
  async rules(scope: Scope): Promise<BonusRules | undefined> {
    const [row] = await scope.db.select().from(bonusRules).where(eq(bonusRules.workspaceId, scope.workspaceId));
    return row;
  },

  async saveRules(scope: Scope, input: RulesInput, updatedBy: number): Promise<void> {
    const values = { ...input, updatedBy, updatedAt: scope.now };
    await scope.db.insert(bonusRules).values({ workspaceId: scope.workspaceId, ...values })
      .onConflictDoUpdate({ target: bonusRules.workspaceId, set: values });
  },

  /**
   * Creates or refreshes the proposal for a member's quarter. An approved proposal is never
   * recomputed: the manager's decision stands.
   */
  async propose(scope: Scope, rules: BonusRules, memberId: number, periodKey: string, reviewId: number | null, snapshot: KpiSnapshot): Promise<BonusProposal> {
    const bonus = computeBonus(rules, snapshot);
    const [existing] = await scope.db.select().from(bonusProposals).where(and(
      eq(bonusProposals.workspaceId, scope.workspaceId), eq(bonusProposals.memberId, memberId), eq(bonusProposals.periodKey, periodKey),
    ));
    if (existing?.status === 'approved') return existing;
    const values = { reviewId, currency: rules.currency, proposedMinor: bonus.totalMinor, breakdown: bonus.lines, createdAt: scope.now };
    const [row] = await scope.db.insert(bonusProposals).values({ workspaceId: scope.workspaceId, memberId, periodKey, ...values })
      .onConflictDoUpdate({ target: [bonusProposals.workspaceId, bonusProposals.memberId, bonusProposals.periodKey], set: values })
      .returning();
    return row!;
  },

  async proposalFor(scope: Scope, memberId: number, periodKey: string): Promise<BonusProposal | undefined> {
    const [row] = await scope.db.select().from(bonusProposals).where(and(
      eq(bonusProposals.workspaceId, scope.workspaceId), eq(bonusProposals.memberId, memberId), eq(bonusProposals.periodKey, periodKey),
    ));
    return row;
  },

  async latestFor(scope: Scope, memberId: number): Promise<BonusProposal | undefined> {
    const [row] = await scope.db.select().from(bonusProposals).where(and(
      eq(bonusProposals.workspaceId, scope.workspaceId), eq(bonusProposals.memberId, memberId),
    )).orderBy(desc(bonusProposals.periodKey)).limit(1);
    return row;
  },

  /** The newest proposal of each member, in one query. */
  async latestForMany(scope: Scope, memberIds: number[]): Promise<Map<number, BonusProposal>> {
    const result = new Map<number, BonusProposal>();
    if (!memberIds.length) return result;
    const rows = await scope.db.select().from(bonusProposals).where(and(
      eq(bonusProposals.workspaceId, scope.workspaceId), inArray(bonusProposals.memberId, memberIds),
    )).orderBy(desc(bonusProposals.periodKey));
    for (const row of rows) if (!result.has(row.memberId)) result.set(row.memberId, row);
    return result;
  },

  async byReview(scope: Scope, reviewId: number): Promise<BonusProposal | undefined> {
    const [row] = await scope.db.select().from(bonusProposals).where(and(
      eq(bonusProposals.workspaceId, scope.workspaceId), eq(bonusProposals.reviewId, reviewId),
    ));
    return row;
  },

  /** Records the manager's decision. Nothing is paid: this is the approved amount for payroll. */
  async approve(scope: Scope, proposal: BonusProposal, amountMinor: bigint, reason: string | null, approvedBy: number): Promise<BonusProposal> {
    const [row] = await scope.db.update(bonusProposals).set({ status: 'approved', approvedMinor: amountMinor, reason, approvedBy, approvedAt: scope.now })
      .where(and(eq(bonusProposals.workspaceId, scope.workspaceId), eq(bonusProposals.id, proposal.id))).returning();
    return row!;
  },
};
