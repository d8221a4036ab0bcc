/** Escapes &, < and > so user text cannot inject markup (Slack mrkdwn, Lark card markdown). */
export function escapeAngleBrackets(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
