import type { Capability, Registry } from '../chat/registry.ts';
import { createHelpCapability } from './help/commands.ts';
import { createTeamCapability } from './team/commands.ts';

/** Every capability, in help order. Adding a capability is one line here. */
export function createCapabilities(getRegistry: () => Registry): Capability[] {
  return [
    createHelpCapability(getRegistry),
    createTeamCapability(),
  ];
}
