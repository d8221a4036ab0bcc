import type { Member } from '../../../db/schema/members.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';

/** The whoami card. */
export function memberCard(t: Translator, member: Member, manager: Member | undefined, teamSize: number, workspaceName: string): Message {
  const fields = [
    { label: t('team.role'), value: t(`role.${member.role}.one`) },
    { label: t('team.timezone'), value: member.timezone },
    { label: t('team.language'), value: member.locale === 'zh-CN' ? '简体中文' : 'English' },
  ];
  if (manager) fields.push({ label: t('team.manager'), value: mention(manager.id) });
  if (member.role !== 'assistant') fields.push({ label: t('team.teamSize'), value: String(teamSize) });
  return message()
    .header(t('team.whoamiTitle', { name: member.displayName }))
    .fields(fields)
    .context(t('team.settingsHint') + (workspaceName ? ` · ${workspaceName}` : ''))
    .build();
}

/** A team list grouped by manager; the viewer sees what their role allows (the caller filters). */
export function teamList(t: Translator, viewer: Member, people: Member[]): Message {
  const leads = people.filter((p) => p.role !== 'assistant');
  const lines: string[] = [];
  for (const lead of leads) {
    const reports = people.filter((p) => p.managerId === lead.id);
    lines.push(`**${mention(lead.id)}** · ${t(`role.${lead.role}.one`)}`);
    for (const r of reports) lines.push(`- ${mention(r.id)}`);
    if (!reports.length) lines.push(`- _${t('team.noAssistants')}_`);
  }
  const unassigned = people.filter((p) => p.role === 'assistant' && (!p.managerId || !people.some((l) => l.id === p.managerId)));
  if (unassigned.length && viewer.role === 'admin') {
    lines.push(`**${t('team.unassigned')}**`);
    for (const u of unassigned) lines.push(`- ${mention(u.id)}`);
  }
  return message()
    .header(t('team.listTitle'))
    .text(lines.join('\n') || t('team.empty'))
    .context(t('team.addHint'))
    .build();
}
