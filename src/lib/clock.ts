/** The only source of "now" in the app; inject a fake in tests to move time. */
export interface Clock {
  now(): Date;
}

/** A clock backed by the machine's wall time. */
export function createSystemClock(): Clock {
  return { now: () => new Date() };
}
