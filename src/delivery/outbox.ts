import { outbox } from '../../db/schema/delivery.ts';
import type { Outbox, OutboundTarget, Scope } from '../chat/context.ts';
import type { Message } from '../chat/message.ts';

/** The outbox writer: enqueues in the caller's transaction, once per (workspace, dedupe key). */
export function createOutbox(onEnqueued: () => void = () => {}): Outbox {
  return {
    async enqueue(scope: Scope, target: OutboundTarget, message: Message, dedupeKey: string): Promise<boolean> {
      const rows = await scope.db.insert(outbox).values({
        workspaceId: scope.workspaceId,
        memberId: 'memberId' in target ? target.memberId : null,
        conversation: 'conversation' in target ? target.conversation : null,
        message,
        dedupeKey: dedupeKey.slice(0, 300),
        nextAttemptAt: scope.now,
        createdAt: scope.now,
      }).onConflictDoNothing().returning({ id: outbox.id });
      if (rows.length) onEnqueued();
      return rows.length > 0;
    },
  };
}
