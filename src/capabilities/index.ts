import type { Capability, Registry } from '../chat/registry.ts';
import { createIncentivesCapability } from './incentives/commands.ts';
import { createReviewsCapability } from './reviews/commands.ts';
import { createDutiesCapability } from './duties/commands.ts';
import { createKpiCapability } from './kpi/commands.ts';
import { createBadgesCapability } from './badges/commands.ts';
import { createKudosCapability } from './kudos/commands.ts';
import { createTrainingCapability } from './training/commands.ts';
import { createHolidaysCapability } from './holidays/commands.ts';
import { createAccountsCapability } from './accounts/commands.ts';
import { createDigestCapability } from './digest/commands.ts';
import { createFeedbackCapability } from './feedback/commands.ts';
import { createHelpCapability } from './help/commands.ts';
import { createHomeCapability } from './home/commands.ts';
import { createReportsCapability } from './reports/commands.ts';
import { createMeetingsCapability } from './meetings/commands.ts';
import { createScheduleCapability } from './schedule/commands.ts';
import { createTeamCapability } from './team/commands.ts';
import { createTouchesCapability } from './touches/commands.ts';

/** Every capability, in help order. Adding a capability is one line here. */
export function createCapabilities(getRegistry: () => Registry): Capability[] {
  return [
    createHelpCapability(getRegistry),
    createTeamCapability(),
    createHomeCapability(getRegistry),
    createAccountsCapability(),
    createTouchesCapability(),
    createMeetingsCapability(),
    createDigestCapability(),
    createFeedbackCapability(),
    createReportsCapability(),
    createKudosCapability(),
    createBadgesCapability(),
    createTrainingCapability(),
    createHolidaysCapability(),
    createKpiCapability(),
    createDutiesCapability(),
    createScheduleCapability(getRegistry),
    createReviewsCapability(),
    createIncentivesCapability(),
  ];
}
