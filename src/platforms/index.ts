import { createConsolePlatform } from './console/index.ts';
import type { PlatformAdapter, PlatformDeps } from './types.ts';

/** The platforms this configuration enables. */
export async function createPlatforms(deps: PlatformDeps): Promise<PlatformAdapter[]> {
  const platforms: PlatformAdapter[] = [];
  if (deps.config.console) platforms.push(await createConsolePlatform(deps));
  return platforms;
}
