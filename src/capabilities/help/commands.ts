import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, CommandDefinition, Registry } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { messages } from './i18n.ts';

/** Help overview, and per-command help with usage and examples in the member's language. */
export function createHelpCapability(getRegistry: () => Registry): Capability {
  const visible = (ctx: CommandContext, c: CommandDefinition) =>
    !c.hidden && (!c.roles || ctx.member.role === 'admin' || c.roles.includes(ctx.member.role));

  async function run(ctx: CommandContext, args: Args) {
    const { t } = ctx;
    const registry = getRegistry();
    const topic = args.shift();
    if (topic) {
      const command = registry.command(topic);
      if (!command) throw new UserError('error.unknownCommand', { command: topic.slice(0, 40) });
      const names = [command.name, ...command.aliases].map((n) => `\`${n}\``).join(' · ');
      return ephemeral(message()
        .header(`/kam ${command.name}`)
        .text(t(`cmd.${command.name}.summary`))
        .fields([{ label: t('help.usage'), value: t(`cmd.${command.name}.usage`) }, { label: t('help.names'), value: names }])
        .text(`**${t('help.examples')}**\n${t(`cmd.${command.name}.examples`)}`)
        .build());
    }
    const lines = registry.commands.filter((c) => visible(ctx, c)).map((c) => {
      const alias = c.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
      return `- \`/kam ${c.name}\`${alias ? ` (${alias})` : ''}: ${t(`cmd.${c.name}.summary`)}`;
    });
    return ephemeral(message()
      .header(t('help.title'))
      .text(t('help.intro'))
      .text(lines.join('\n'))
      .context(t('help.more'))
      .build());
  }

  return {
    name: 'help',
    messages,
    commands: [{ name: 'help', aliases: ['帮助', '?', 'h', '？'], run }],
  };
}
