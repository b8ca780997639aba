// What Pengaturan (SettingsBody) hands each section that edits the shop's settings.

import type { FieldErrors } from '../../lib/errors';
import type { Settings } from '../../lib/types';

export interface SectionProps {
  /** All the settings, edited in place and saved as a whole. */
  settings: Settings;
  /** The engine's refusals of the last save, by field. */
  errors: FieldErrors;
  busy: boolean;
  /** Saves all the settings; false when the engine refused. */
  onsave: () => Promise<boolean>;
}
