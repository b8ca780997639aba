// A list a screen reads from the engine (cashiers, price rules, saldo movements): the last
// answer, why the last read or change failed (shown above the list), and read again after
// each change.

import type { FieldErrors } from './errors';
import { errFields, errText } from './locale.svelte';

export class EngineList<T> {
  items = $state<T[]>([]);
  error = $state('');
  readonly #read: () => Promise<T[]>;

  constructor(read: () => Promise<T[]>) {
    this.#read = read;
  }

  /** Reads the list; on an error the last one stays. */
  async load(): Promise<void> {
    try {
      this.items = await this.#read();
      this.error = '';
    } catch (e) {
      this.error = errText(e);
    }
  }

  /** Changes an item (disable, delete), then reads the list again; a refusal shows as `error`. */
  async change(change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
      await this.load();
    } catch (e) {
      this.error = errText(e);
    }
  }

  /** Saves a form's item, then reads the list again; a refusal comes back by the form's `fields`. */
  async save(save: () => Promise<unknown>, fields: readonly string[]): Promise<FieldErrors> {
    try {
      await save();
      await this.load();
      return {};
    } catch (e) {
      return errFields(e, fields);
    }
  }
}
