import type { MessageCatalog } from '../../chat/i18n/index.ts';

/** Messages only the Lark adapter shows (welcomes, card toasts). */
export const larkMessages: MessageCatalog = {
  en: {
    'lark.welcome.title': 'Hi {name}, I\'m KAM Bot 👋',
    'lark.welcome.dm': 'I help key account managers and their assistants keep up with clients: touches, visit reports, feedback, weekly meetings, KPIs and kudos. Just type a command here, no `/kam` needed.',
    'lark.welcome.group': 'Thanks for adding me! Mention me with a command, e.g. `@KAM Bot help`. Answers only you need go to your direct chat with me.',
    'lark.welcome.next': 'Send `help` (or 帮助) to see everything I can do.',
    'lark.toast.working': 'Working on it…',
    'lark.toast.done': 'Done',
    'lark.toast.sentToChat': 'Sent to your chat with KAM Bot',
    'lark.form.fix': 'Please fix the fields marked below and submit again.',
  },
  'zh-CN': {
    'lark.welcome.title': '{name}，你好，我是 KAM Bot 👋',
    'lark.welcome.dm': '我帮助大客户经理和助理做好客户维护：客户跟进、拜访报告、客户反馈、周会、绩效指标和点赞。直接在这里输入命令即可，无需 `/kam`。',
    'lark.welcome.group': '感谢把我拉进群！@我 并输入命令即可，例如 `@KAM Bot 帮助`。只和你有关的回复会私信发给你。',
    'lark.welcome.next': '发送 `帮助`（或 help）查看我能做的所有事情。',
    'lark.toast.working': '正在处理…',
    'lark.toast.done': '已完成',
    'lark.toast.sentToChat': '已发送到你和 KAM Bot 的单聊',
    'lark.form.fix': '请修改下面标出的字段后重新提交。',
  },
};
