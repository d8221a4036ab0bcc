// One file per aggregate; this index is what drizzle and the app import.
export * from './workspaces.ts';
export * from './members.ts';
export * from './accounts.ts';
export * from './touches.ts';
export * from './feedback.ts';
export * from './reports.ts';
export * from './delivery.ts';
export * from './jobs.ts';
export * from './duties.ts';
export * from './kpi.ts';
export * from './sales.ts';
export * from './reviews.ts';
export * from './incentives.ts';
export * from './meetings.ts';
