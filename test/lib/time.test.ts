import { describe, expect, it } from 'vitest';
import { localParts, parsePeriodKey, parseUserDate, periodContaining, periodOffset, zonedTimeToInstant } from '../../src/lib/time.ts';

describe('periods in a member\'s own time zone', () => {
  it('starts the ISO week on Monday midnight local time', () => {
    const at = new Date('2026-11-29T20:00:00Z'); // Monday 04:00 in Shanghai, still Sunday in London
    expect(periodContaining('week', at, 'Asia/Shanghai').key).toBe('2026-W49');
    expect(periodContaining('week', at, 'Europe/London').key).toBe('2026-W48');
    expect(periodContaining('week', at, 'Asia/Shanghai').start.toISOString()).toBe('2026-11-29T16:00:00.000Z');
  });

  it('handles half-hour zones (Asia/Kolkata, +05:30)', () => {
    const month = periodContaining('month', new Date('2026-11-30T18:29:00Z'), 'Asia/Kolkata');
    expect(month.key).toBe('2026-11');
    expect(month.end.toISOString()).toBe('2026-11-30T18:30:00.000Z');
    expect(periodContaining('month', new Date('2026-11-30T18:30:00Z'), 'Asia/Kolkata').key).toBe('2026-12');
  });

  it('gives a DST-change week its true length in New York', () => {
    const march = periodContaining('week', new Date('2026-03-05T12:00:00Z'), 'America/New_York');
    expect((march.end.getTime() - march.start.getTime()) / 3_600_000).toBe(167);
    const november = periodContaining('week', new Date('2026-10-28T12:00:00Z'), 'America/New_York');
    expect((november.end.getTime() - november.start.getTime()) / 3_600_000).toBe(169);
  });

  it('moves to the previous quarter and parses labels', () => {
    expect(periodOffset('quarter', new Date('2026-01-15T00:00:00Z'), 'Asia/Shanghai', -1).key).toBe('2025-Q4');
    expect(parsePeriodKey('2026-q4', 'Asia/Shanghai')?.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(parsePeriodKey('2026-13', 'UTC')).toBeNull();
  });

  it('reads user dates in the member\'s zone, in English and Chinese', () => {
    const now = new Date('2026-11-30T17:30:00Z'); // Tue 01:30 in Shanghai, Mon 17:30 in London
    expect(parseUserDate('yesterday', now, 'Asia/Shanghai')).toBe('2026-11-30');
    expect(parseUserDate('昨天', now, 'Europe/London')).toBe('2026-11-29');
    expect(parseUserDate('2026-11-28', now, 'UTC')).toBe('2026-11-28');
    expect(parseUserDate('2026-02-30', now, 'UTC')).toBeNull();
    expect(parseUserDate('soon', now, 'UTC')).toBeNull();
  });

  it('places a local wall-clock time on the right instant across a DST gap', () => {
    expect(zonedTimeToInstant('2026-03-08', '09:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T13:30:00.000Z');
    expect(zonedTimeToInstant('2026-03-07', '09:30', 'America/New_York')?.toISOString()).toBe('2026-03-07T14:30:00.000Z');
    expect(localParts(new Date('2026-11-30T04:00:00Z'), 'Asia/Kolkata')).toMatchObject({ date: '2026-11-30', hour: 9, minute: 30, weekday: 1 });
  });
});
