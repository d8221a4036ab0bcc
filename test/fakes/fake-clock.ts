import type { Clock } from '../../src/lib/clock.ts';

/** A clock tests can set and move. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-30T02:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date { return new Date(this.current); }
  set(at: Date | string): void { this.current = new Date(at).getTime(); }
  advance(ms: number): void { this.current += ms; }
  advanceMinutes(minutes: number): void { this.advance(minutes * 60_000); }
  advanceDays(days: number): void { this.advance(days * 86_400_000); }
}
