/**
 * Neutral forms. A command may answer with a form; the adapter shows it (Slack modal, Lark form
 * card, console dialog) and sends the submitted values back as a `form` event with the same id.
 */

export type FormFieldKind = 'text' | 'textarea' | 'select' | 'date' | 'number' | 'time';

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  name: string;
  label: string;
  kind: FormFieldKind;
  required?: boolean;
  options?: FormOption[];
  initial?: string;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
}

export interface Form {
  /** Registered form id, e.g. `report.submit`. */
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Opaque context handed back on submit (e.g. an account id); keep it small. */
  state?: string;
}

/** Field name → localised error text, shown inline next to the field. */
export type FormErrors = Record<string, string>;
