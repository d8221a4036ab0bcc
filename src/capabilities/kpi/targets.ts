import { and, eq, isNull, sql } from 'drizzle-orm';
import { kpiTargets, TARGET_METRICS, type TargetMetric, type TargetPeriod } from '../../../db/schema/kpi.ts';
import type { Scope } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { minorToDecimal, parseAmount } from './money.ts';

/** Names people type for each metric (English and Chinese). */
export const METRIC_ALIASES: Record<string, TargetMetric> = {
  touches: 'touches', touch: 'touches', '跟进': 'touches', '客户维护': 'touches', '维护': 'touches',
  visits: 'visits', visit: 'visits', '拜访': 'visits',
  csat: 'csat', satisfaction: 'csat', '满意度': 'csat',
  sales: 'sales', '销售': 'sales', '销售额': 'sales',
  growth: 'growth', '增长': 'growth',
  coverage: 'coverage', '覆盖': 'coverage', '覆盖率': 'coverage',
  ontime: 'ontime', 'on-time': 'ontime', reports: 'ontime', '准时': 'ontime', '准时率': 'ontime',
};

/** A validated target value as stored (exact decimal string; sales in major units). */
export type ParsedTargets = Partial<Record<TargetMetric, string>>;

function percent(raw: string, min: number, max: number): string | null {
  const m = raw.trim().match(/^(-?\d{1,4}(?:\.\d{1,2})?)\s*[%％]?$/);
  if (!m) return null;
  const v = Number(m[1]);
  return v >= min && v <= max ? m[1]! : null;
}

/**
 * Validates `metric=value` pairs. Throws a UserError naming the bad pair and its rule; nothing
 * is returned partially, so a bad input never writes anything.
 */
export function parseTargetPairs(t: Translator, pairs: Array<[string, string]>, currency: string, usageOf: string): ParsedTargets {
  const out: ParsedTargets = {};
  for (const [rawKey, raw] of pairs) {
    const metric = METRIC_ALIASES[rawKey.toLowerCase()];
    if (!metric) throw new UserError('kpi.unknownMetric', { value: rawKey.slice(0, 40) }, usageOf);
    let value: string | null = null;
    let rule = '';
    switch (metric) {
      case 'touches': case 'visits': {
        rule = 'kpi.rule.count';
        value = /^\d{1,6}$/.test(raw) && Number(raw) <= 100_000 ? String(Number(raw)) : null;
        break;
      }
      case 'csat': {
        rule = 'kpi.rule.csat';
        value = /^\d(?:\.\d{1,2})?$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 5 ? raw : null;
        break;
      }
      case 'growth': rule = 'kpi.rule.growth'; value = percent(raw, -100, 1000); break;
      case 'coverage': case 'ontime': rule = 'kpi.rule.percent'; value = percent(raw, 0, 100); break;
      case 'sales': {
        rule = 'kpi.rule.sales';
        const minor = parseAmount(raw, currency);
        value = minor === null ? null : minorToDecimal(minor, currency);
        break;
      }
    }
    if (value === null) throw new UserError('kpi.badTargetValue', { value: raw.slice(0, 40), metric: rawKey.slice(0, 40), rule: t(rule) }, usageOf);
    out[metric] = value;
  }
  return out;
}

/** Stores targets for a member (or the workspace default when memberId is null), replacing the same metrics. */
export async function saveTargets(scope: Scope, memberId: number | null, periodKind: TargetPeriod, targets: ParsedTargets, setBy: number): Promise<void> {
  const metrics = Object.keys(targets) as TargetMetric[];
  if (!metrics.length) return;
  await scope.db.delete(kpiTargets).where(and(
    eq(kpiTargets.workspaceId, scope.workspaceId),
    memberId === null ? isNull(kpiTargets.memberId) : eq(kpiTargets.memberId, memberId),
    eq(kpiTargets.periodKind, periodKind),
    sql`${kpiTargets.metric} in ${metrics}`,
  ));
  await scope.db.insert(kpiTargets).values(metrics.map((metric) => ({
    workspaceId: scope.workspaceId, memberId, periodKind, metric, value: targets[metric]!, setBy, updatedAt: scope.now,
  })));
}

/** Removes a member's targets for a period kind; returns how many were removed. */
export async function clearTargets(scope: Scope, memberId: number, periodKind: TargetPeriod): Promise<number> {
  const rows = await scope.db.delete(kpiTargets).where(and(
    eq(kpiTargets.workspaceId, scope.workspaceId), eq(kpiTargets.memberId, memberId), eq(kpiTargets.periodKind, periodKind),
  )).returning({ id: kpiTargets.id });
  return rows.length;
}

/** Stored (unscaled) targets of one member or the defaults, for display. */
export async function storedTargets(scope: Scope, memberId: number | null): Promise<Array<{ periodKind: TargetPeriod; metric: TargetMetric; value: string }>> {
  const rows = await scope.db.select().from(kpiTargets).where(and(
    eq(kpiTargets.workspaceId, scope.workspaceId),
    memberId === null ? isNull(kpiTargets.memberId) : eq(kpiTargets.memberId, memberId),
  ));
  return rows
    .map((r) => ({ periodKind: r.periodKind, metric: r.metric, value: r.value }))
    .sort((a, b) => a.periodKind.localeCompare(b.periodKind) || TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric));
}
