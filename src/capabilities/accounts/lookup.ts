import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { accounts, type Account } from '../../../db/schema/accounts.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext, Scope } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { closest } from '../../chat/parser.ts';
import { canActOn } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { teamIdsQuery } from '../team/service.ts';

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

/**
 * The SQL condition for accounts a member sees in lists: an assistant their own, a manager the
 * accounts they own or that their assistants hold, an admin every account. Always combine it
 * with the workspace filter.
 */
export function visibleAccountsWhere(scope: Scope, member: Member): SQL | undefined {
  if (member.role === 'admin') return undefined;
  if (member.role === 'manager') {
    return or(eq(accounts.managerId, member.id), inArray(accounts.assistantId, teamIdsQuery(scope, member.id)));
  }
  return eq(accounts.assistantId, member.id);
}

/** Active accounts the member sees (see visibleAccountsWhere), by name. */
export async function visibleAccounts(scope: Scope, member: Member): Promise<Account[]> {
  return scope.db.select().from(accounts)
    .where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), visibleAccountsWhere(scope, member)))
    .orderBy(asc(accounts.name));
}

/** Longest account names we try to read from unquoted words ("Acme Corp call …"). */
const MAX_NAME_WORDS = 8;

/**
 * Reads an account name from the front of a token list, so multi-word names work unquoted:
 * the longest leading run of tokens naming an active account wins. Returns the account and the
 * tokens after it. Unknown names throw with up to three suggestions; `typedWords` says how
 * many leading tokens the caller believes were the name (used for the error text).
 */
export async function takeAccountFromTokens(
  ctx: CommandContext, tokens: string[], usageOf: string,
  options: { requireAccess?: boolean; typedWords?: number } = {},
): Promise<{ account: Account; rest: string[] }> {
  if (!tokens.length || !tokens[0]) throw new UserError('accounts.nameRequired', {}, usageOf);
  const names = await accountNames(ctx.scope);
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  for (let k = Math.min(tokens.length, MAX_NAME_WORDS); k >= 1; k -= 1) {
    const typed = tokens.slice(0, k).join(' ').replace(/^#/, '').toLowerCase();
    if (byLower.has(typed)) {
      const account = await resolveAccountArg(ctx, byLower.get(typed), usageOf, options);
      return { account, rest: tokens.slice(k) };
    }
  }
  const typed = tokens.slice(0, Math.max(1, options.typedWords ?? 1)).join(' ');
  const suggestions = closest(typed, names);
  throw new UserError(suggestions.length ? 'accounts.unknownWithSuggestions' : 'accounts.unknown',
    { name: typed.slice(0, 80), suggestions: suggestions.join(', ') }, usageOf);
}
