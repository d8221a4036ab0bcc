import type { Member, Role } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention } from '../../chat/message.ts';
import { findMemberByName, getMember } from './directory.ts';

/**
 * Role rules, in one place:
 * - admin: anything in the workspace (an admin can also lead a team, like a manager);
 * - manager: themselves and the assistants who report to them;
 * - assistant: themselves only.
 */

/** True when the member leads teams (manager or admin). */
export function isLead(member: Member): boolean {
  return member.role === 'manager' || member.role === 'admin';
}

/** Refuses unless the acting member has one of the roles (admin always passes). */
export function requireRole(ctx: CommandContext, ...roles: Role[]): void {
  if (ctx.member.role === 'admin' || roles.includes(ctx.member.role)) return;
  const names = roles.map((r) => ctx.t(`role.${r}`)).join(' / ');
  throw new UserError('error.roleRequired', { roles: names });
}

/** True when `actor` may see and act on `target`'s work. */
export function canActOn(actor: Member, target: Member): boolean {
  if (actor.workspaceId !== target.workspaceId) return false;
  if (actor.id === target.id || actor.role === 'admin') return true;
  return actor.role === 'manager' && target.managerId === actor.id;
}

/** Refuses unless the acting member may act on `target`. */
export function requireCanActOn(ctx: CommandContext, target: Member): void {
  if (!canActOn(ctx.member, target)) throw new UserError('error.notYourTeam', { name: mention(target.id) });
}

/**
 * Resolves a member argument: a mention token <@m:ID> (from Slack/Lark) or a typed @name
 * (console). Throws a localised error when nobody matches.
 */
export async function resolveMemberArg(ctx: CommandContext, token: string | undefined, usageOf?: string): Promise<Member> {
  if (!token) throw new UserError('error.memberRequired', {}, usageOf);
  const m = token.match(/^<@m:(\d+)>$/);
  const found = m ? await getMember(ctx.scope, Number(m[1])) : await findMemberByName(ctx.scope, token);
  if (!found) throw new UserError('error.unknownMember', { name: token.slice(0, 60) }, usageOf);
  return found;
}

/** True when the token looks like a member reference rather than free text. */
export function looksLikeMember(token: string | undefined): boolean {
  return !!token && (/^<@m:\d+>$/.test(token) || /^[@＠]\S+$/.test(token));
}
