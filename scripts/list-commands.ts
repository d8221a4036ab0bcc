/** Prints the command reference table (English and Chinese) from the registry, for the README. */
import { createCapabilities } from '../src/capabilities/index.ts';
import { createTranslator } from '../src/chat/i18n/index.ts';
import { Registry } from '../src/chat/registry.ts';

let registry: Registry | undefined;
registry = new Registry(createCapabilities(() => registry!));
const en = createTranslator(registry.catalog, 'en');
const zh = createTranslator(registry.catalog, 'zh-CN');
const rows = ['| command | 中文 | what it does | 说明 | who |', '| --- | --- | --- | --- | --- |'];
for (const c of registry.commands.filter((x) => !x.hidden)) {
  const alias = c.aliases.filter((a) => /[\u4e00-\u9fff]/.test(a)).join(' / ');
  rows.push(`| \`/kam ${c.name}\` | \`${alias}\` | ${en(`cmd.${c.name}.summary`)} | ${zh(`cmd.${c.name}.summary`)} | ${c.roles ? c.roles.join(', ') : 'everyone'} |`);
}
process.stdout.write(`${rows.join('\n')}\n`);
