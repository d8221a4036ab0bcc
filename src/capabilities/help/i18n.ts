import type { MessageCatalog } from '../../chat/i18n/index.ts';

export const messages: MessageCatalog = {
  en: {
    'help.title': 'KAM Bot: what I can do',
    'help.intro': 'Type a command after `/kam`, or just send it to me in a DM. Every command has a Chinese name too.',
    'help.more': 'For details and examples: `/kam help <command>`, e.g. `/kam help touch`.',
    'help.usage': 'Usage',
    'help.names': 'Names',
    'help.examples': 'Examples',
    'cmd.help.summary': 'Show what I can do, or help for one command',
    'cmd.help.usage': '/kam help [command]',
    'cmd.help.examples': '`/kam help`\n`/kam help feedback`\n`/kam 帮助 汇报`',
  },
  'zh-CN': {
    'help.title': 'KAM Bot：我能做什么',
    'help.intro': '在 `/kam` 后输入命令，或直接私信发给我。每个命令都有中文名。',
    'help.more': '查看详细说明和示例：`/kam 帮助 <命令>`，例如 `/kam 帮助 跟进`。',
    'help.usage': '用法',
    'help.names': '命令名',
    'help.examples': '示例',
    'cmd.help.summary': '查看我能做什么，或某个命令的帮助',
    'cmd.help.usage': '/kam 帮助 [命令]',
    'cmd.help.examples': '`/kam 帮助`\n`/kam 帮助 反馈`\n`/kam help report`',
  },
};
