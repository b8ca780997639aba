// A form the engine answers: busy while it does, and its refusal shown next to the field it
// names (or above the button, `_`, when it names none of the form's).

import type { FieldErrors } from './errors';
import { errFields } from './locale.svelte';

export class EngineForm {
  errors = $state<FieldErrors>({});
  busy = $state(false);
  /** The engine's field names this form shows errors next to. */
  readonly #fields: readonly string[];

  constructor(fields: readonly string[]) {
    this.#fields = fields;
  }

  /** Runs `send` with the form busy and its errors cleared; false when the engine refused. */
  async send(send: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.errors = {};
    try {
      await send();
      return true;
    } catch (err) {
      this.errors = errFields(err, this.#fields);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
