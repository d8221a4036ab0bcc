import { and, eq, isNull, sql } from 'drizzle-orm';
import { accounts, type Account } from '../../../db/schema/accounts.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext, Scope } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { closest } from '../../chat/parser.ts';
import { canActOn } from '../team/access.ts';
import { getMember } from '../team/directory.ts';

/** An account by id within the scope's workspace. */
export async function getAccount(scope: Scope, accountId: number): Promise<Account | undefined> {
  const [row] = await scope.db.select().from(accounts).where(and(eq(accounts.workspaceId, scope.workspaceId), eq(accounts.id, accountId)));
  return row;
}

/** An active account by exact name (case-insensitive; Chinese names work as typed). */
export async function findAccountByName(scope: Scope, name: string): Promise<Account | undefined> {
  const typed = name.trim().replace(/^#/, '');
  if (!typed || typed.length > 200) return undefined;
  const [row] = await scope.db.select().from(accounts).where(and(
    eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), sql`lower(${accounts.name}) = lower(${typed})`,
  ));
  return row;
}

/** Names of active accounts, for "did you mean" suggestions. */
export async function accountNames(scope: Scope): Promise<string[]> {
  const rows = await scope.db.select({ name: accounts.name }).from(accounts)
    .where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt)));
  return rows.map((r) => r.name);
}

/**
 * True when `member` may work on the account: its assigned assistant, its owning manager, the
 * manager of its assistant, or an admin.
 */
export async function canWorkOnAccount(scope: Scope, member: Member, account: Account): Promise<boolean> {
  if (member.role === 'admin' || account.assistantId === member.id || account.managerId === member.id) return true;
  if (member.role === 'manager' && account.assistantId) {
    const assistant = await getMember(scope, account.assistantId);
    return !!assistant && canActOn(member, assistant);
  }
  return false;
}

/**
 * Resolves an account typed by the user. Unknown names get up to three close suggestions;
 * accounts the member may not work on are refused with the reason.
 */
export async function resolveAccountArg(ctx: CommandContext, typed: string | undefined, usageOf: string, options: { requireAccess?: boolean } = {}): Promise<Account> {
  if (!typed) throw new UserError('accounts.nameRequired', {}, usageOf);
  const account = await findAccountByName(ctx.scope, typed);
  if (!account) {
    const suggestions = closest(typed, await accountNames(ctx.scope));
    throw new UserError(suggestions.length ? 'accounts.unknownWithSuggestions' : 'accounts.unknown',
      { name: typed.slice(0, 80), suggestions: suggestions.join(', ') }, usageOf);
  }
  if (options.requireAccess !== false && !(await canWorkOnAccount(ctx.scope, ctx.member, account))) {
    throw new UserError('accounts.notYours', { name: account.name });
  }
  return account;
}
