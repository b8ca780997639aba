// @ts-check
// DOM helpers. Text always goes in as text nodes, never as HTML.

/** @typedef {Node|string|number|null|undefined|false} Kid */
/**
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>} [attrs]
 * @param {...Kid} kids
 */
export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(...nodes(kids));
  return el;
}
/** @param {Kid[]} kids @returns {(Node|string)[]} */
export const nodes = (kids) => kids.flatMap((k) => (k === null || k === undefined || k === false ? [] : [typeof k === 'number' ? String(k) : k]));
/** @param {string} tag @param {Record<string, string|number|boolean|null|undefined>} [attrs] @param {...Kid} kids */
export function svg(tag, attrs, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(el, attrs);
  el.append(...nodes(kids));
  return el;
}
/** @param {Element} el @param {Record<string, string|number|boolean|null|undefined>} [attrs] */
function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', String(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}
/** @param {string} id */
export const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} testid */
export const byTest = (testid) => /** @type {HTMLElement} */ (document.querySelector(`[data-testid="${testid}"]`));
/** @param {HTMLFormElement} form @param {string} name */
export const field = (form, name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
