import type { TestApp } from './app.ts';

/**
 * A second team beside the demo one: li (manager) leads zoe (assistant).
 * wang (admin) still leads mei and tom.
 */
export async function addSecondTeam(t: TestApp): Promise<void> {
  await t.say('li', 'hello');
  await t.say('zoe', 'hello');
  await t.say('wang', '/kam team role @li manager');
  await t.say('li', '/kam team add @zoe');
}
