import type { Member, Role } from '../../db/schema/members.ts';
import type { CommandContext } from './context.ts';
import type { FormErrors } from './forms.ts';
import type { MessageCatalog } from './i18n/index.ts';
import { CORE_MESSAGES, mergeCatalogs } from './i18n/index.ts';
import type { Args } from './parser.ts';
import type { Reply } from './reply.ts';

export type HandlerResult = Reply | Reply[] | void;

/** A `/kam <name>` command. Help texts come from i18n keys `cmd.<name>.summary|usage|examples`. */
export interface CommandDefinition {
  /** Canonical English name. */
  name: string;
  /** Other names, including the Chinese alias (e.g. 汇报). */
  aliases: string[];
  /** Roles allowed to run it at all (finer checks live in the handler). Absent = everyone. */
  roles?: Role[];
  /** Hidden from the help overview (admin tooling). */
  hidden?: boolean;
  run(ctx: CommandContext, args: Args): Promise<HandlerResult>;
}

/** A button handler, addressed by the `action` id on a neutral Button. */
export interface ActionDefinition {
  id: string;
  run(ctx: CommandContext, value: string): Promise<HandlerResult>;
}

/** A form submit handler, addressed by the form id. Throw FormValidationError for inline errors. */
export interface FormDefinition {
  id: string;
  submit(ctx: CommandContext, values: Record<string, string>, state: string | undefined): Promise<HandlerResult>;
}

/**
 * Gets the first look at plain DM text that is not a command (e.g. an answer to a meeting
 * prompt). Returns undefined to pass.
 */
export interface TextHandler {
  name: string;
  handle(ctx: CommandContext, text: string): Promise<HandlerResult | undefined>;
}

/** A slice of the product: its commands, buttons, forms and messages. */
export interface Capability {
  name: string;
  messages: MessageCatalog;
  commands?: CommandDefinition[];
  actions?: ActionDefinition[];
  forms?: FormDefinition[];
  textHandlers?: TextHandler[];
  hooks?: CapabilityHooks;
}

/** Things other capabilities react to, run in the same transaction as the change. */
export interface CapabilityHooks {
  /** An assistant joined a manager's team (e.g. assign onboarding training and default duties). */
  teamJoined?(ctx: CommandContext, assistant: Member): Promise<void>;
}

/** Lookup tables built once from all capabilities. */
export class Registry {
  readonly catalog: MessageCatalog;
  readonly commands: CommandDefinition[] = [];
  private readonly byName = new Map<string, CommandDefinition>();
  private readonly actions = new Map<string, ActionDefinition>();
  private readonly forms = new Map<string, FormDefinition>();
  readonly textHandlers: TextHandler[] = [];
  private readonly hooks: CapabilityHooks[] = [];

  constructor(capabilities: Capability[]) {
    this.catalog = mergeCatalogs([CORE_MESSAGES, ...capabilities.map((c) => c.messages)]);
    for (const capability of capabilities) {
      for (const command of capability.commands ?? []) {
        this.commands.push(command);
        for (const name of [command.name, ...command.aliases]) {
          const key = name.toLowerCase();
          if (this.byName.has(key)) throw new Error(`command name registered twice: ${name}`);
          this.byName.set(key, command);
        }
      }
      for (const action of capability.actions ?? []) {
        if (this.actions.has(action.id)) throw new Error(`action registered twice: ${action.id}`);
        this.actions.set(action.id, action);
      }
      for (const form of capability.forms ?? []) {
        if (this.forms.has(form.id)) throw new Error(`form registered twice: ${form.id}`);
        this.forms.set(form.id, form);
      }
      this.textHandlers.push(...(capability.textHandlers ?? []));
      if (capability.hooks) this.hooks.push(capability.hooks);
    }
  }

  command(name: string): CommandDefinition | undefined { return this.byName.get(name.toLowerCase()); }
  action(id: string): ActionDefinition | undefined { return this.actions.get(id); }
  form(id: string): FormDefinition | undefined { return this.forms.get(id); }
  /** Runs every capability's teamJoined hook. */
  async teamJoined(ctx: CommandContext, assistant: Member): Promise<void> {
    for (const hooks of this.hooks) await hooks.teamJoined?.(ctx, assistant);
  }

  /** Every name and alias, for suggestions. */
  commandNames(): string[] { return [...this.byName.keys()]; }
}

export type { FormErrors };
