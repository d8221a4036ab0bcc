/**
 * A problem the user can fix. It carries an i18n key and parameters, and optionally the command
 * whose usage should be shown. Anything else thrown from a handler is treated as a bug:
 * logged with a reference id, and the user sees a short apology.
 */
export class UserError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    readonly usageOf?: string,
  ) {
    super(key);
    this.name = 'UserError';
  }
}

/** Raised by a form handler when fields are invalid; shown inline on the form. */
export class FormValidationError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('form validation failed');
    this.name = 'FormValidationError';
  }
}
