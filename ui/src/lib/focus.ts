// `{@attach focusOnMount}` on a form's first field: it has the focus as soon as it is shown.

import type { Attachment } from 'svelte/attachments';

export const focusOnMount: Attachment<HTMLElement> = (el) => {
  el.focus();
};
