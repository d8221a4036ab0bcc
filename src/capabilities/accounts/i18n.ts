import type { MessageCatalog } from '../../chat/i18n/index.ts';

export const messages: MessageCatalog = {
  en: {
    'accounts.nameRequired': 'Please name the account.',
    'accounts.unknown': 'I can\'t find an account called "{name}". See `/kam account list`.',
    'accounts.unknownWithSuggestions': 'I can\'t find an account called "{name}". Did you mean: {suggestions}?',
    'accounts.notYours': '"{name}" is not one of your accounts, so you can\'t do that.',
  },
  'zh-CN': {
    'accounts.nameRequired': '请写上客户名称。',
    'accounts.unknown': '找不到名为“{name}”的客户。用 `/kam 客户 列表` 查看。',
    'accounts.unknownWithSuggestions': '找不到名为“{name}”的客户。你是想找：{suggestions}？',
    'accounts.notYours': '“{name}”不是你负责的客户，不能这样操作。',
  },
};
