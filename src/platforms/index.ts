import { createConsolePlatform } from './console/index.ts';
import { createLarkPlatform } from './lark/index.ts';
import { createSlackPlatform } from './slack/index.ts';
import type { PlatformAdapter, PlatformDeps } from './types.ts';

/** The platforms this configuration enables. */
export async function createPlatforms(deps: PlatformDeps): Promise<PlatformAdapter[]> {
  const platforms: PlatformAdapter[] = [];
  if (deps.config.console) platforms.push(await createConsolePlatform(deps));
  if (deps.config.slack) platforms.push(await createSlackPlatform(deps));
  if (deps.config.lark) platforms.push(await createLarkPlatform(deps));
  return platforms;
}
