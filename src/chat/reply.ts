import type { Form, FormErrors } from './forms.ts';
import type { Message } from './message.ts';

/**
 * What a handler answers. `ephemeral` replies are seen only by the person who asked;
 * `public` ones go to the conversation. `replaceOriginal` updates the message a button was on.
 */
export type Reply =
  | { type: 'message'; message: Message; visibility: 'ephemeral' | 'public'; replaceOriginal?: boolean }
  | { type: 'form'; form: Form }
  | { type: 'formErrors'; errors: FormErrors };

/** A private answer to the person who asked. */
export function ephemeral(message: Message, options: { replaceOriginal?: boolean } = {}): Reply {
  return { type: 'message', message, visibility: 'ephemeral', ...options };
}

/** An answer everybody in the conversation sees. */
export function publicReply(message: Message, options: { replaceOriginal?: boolean } = {}): Reply {
  return { type: 'message', message, visibility: 'public', ...options };
}

/** Opens a form for the person who asked. */
export function openForm(form: Form): Reply {
  return { type: 'form', form };
}
