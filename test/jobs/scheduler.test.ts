import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from '../../src/jobs/types.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

/** A job that records the moments it was asked to run and can fail on demand. */
class RecordingJob implements JobDefinition {
  readonly runs: Date[] = [];
  failures: Error[] = [];
  gate?: Promise<void>;
  constructor(readonly name: string, readonly cron = '*/5 * * * *', readonly graceMinutes = 60) {}
  run = async (_ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> => {
    this.runs.push(options.now);
    await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return { job: this.name, due: 1, enqueued: 1, previews: [] };
  };
}

function context(clock: FakeClock): JobContext {
  // These jobs never touch the database; the scheduler only passes the context through.
  return { database: {} as Database, clock, logger: createSilentLogger(), outbox: createOutbox(), translator: () => (key: string) => key };
}

describe('scheduler', () => {
  const clock = new FakeClock('2026-11-30T01:30:00Z');

  it('refuses a bad cron expression or a job registered twice', () => {
    expect(() => createScheduler({ jobs: [new RecordingJob('a', 'every day')], context: context(clock), clock, logger: createSilentLogger() })).toThrow(/cron/);
    expect(() => createScheduler({ jobs: [new RecordingJob('a'), new RecordingJob('a')], context: context(clock), clock, logger: createSilentLogger() })).toThrow(/twice/);
  });

  it('ticks every job with the injected moment, and one failing job does not stop the others', async () => {
    const a = new RecordingJob('a');
    const b = new RecordingJob('b');
    a.failures.push(new Error('boom'));
    let kicked = 0;
    const s = createScheduler({ jobs: [a, b], context: context(clock), clock, logger: createSilentLogger(), onEnqueued: () => { kicked += 1; } });
    const reports = await s.tick(new Date('2026-11-30T01:30:00Z'));
    expect(reports.map((r) => r.job)).toEqual(['b']);
    expect(a.runs[0]?.toISOString()).toBe('2026-11-30T01:30:00.000Z');
    expect(b.runs[0]?.toISOString()).toBe('2026-11-30T01:30:00.000Z');
    expect(kicked).toBe(1);
  });

  it('retries a run that lost a deadlock or serialization race with another instance', async () => {
    const a = new RecordingJob('a');
    a.failures.push(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    const s = createScheduler({ jobs: [a], context: context(clock), clock, logger: createSilentLogger() });
    const [report] = await s.tick(clock.now());
    expect(report?.enqueued).toBe(1);
    expect(a.runs).toHaveLength(2);
  });

  it('overlapping ticks in one process share a single run', async () => {
    const a = new RecordingJob('a');
    let open!: () => void;
    a.gate = new Promise((resolve) => { open = resolve; });
    const s = createScheduler({ jobs: [a], context: context(clock), clock, logger: createSilentLogger() });
    const first = s.tick(clock.now());
    const second = s.tick(clock.now());
    open();
    await Promise.all([first, second]);
    expect(a.runs).toHaveLength(1);
  });

  it('runJob runs one job by name with options, and names an unknown job', async () => {
    const a = new RecordingJob('a');
    const s = createScheduler({ jobs: [a], context: context(clock), clock, logger: createSilentLogger() });
    await s.runJob('a', { now: clock.now(), dryRun: true, force: true });
    expect(a.runs).toHaveLength(1);
    await expect(s.runJob('nope', { now: clock.now() })).rejects.toThrow('unknown job: nope');
  });

  it('starts cron tasks and stops them cleanly', async () => {
    const s = createScheduler({ jobs: [new RecordingJob('a')], context: context(clock), clock, logger: createSilentLogger() });
    s.start();
    await s.stop();
  });
});
