// @ts-check
// The SVG bar charts of the summary.

import { t } from './i18n.js';
import { money } from './format.js';
import { h, svg } from './dom.js';

/**
 * Bars drawn as an inline SVG that stretches to its box; the axis labels are HTML so text never stretches.
 * @param {HTMLElement} box
 * @param {HTMLElement} maxLabel
 * @param {{value: number, label: string, title: string}[]} bars
 */
export function drawBars(box, maxLabel, bars) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const n = Math.max(bars.length, 1);
  maxLabel.textContent = max > 0 ? t('chart.max', { v: money(max) }) : '';
  const chart = svg('svg', { viewBox: `0 0 ${n * 10} 100`, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' },
    ...[25, 50, 75].map((y) => svg('line', { x1: 0, x2: n * 10, y1: y, y2: y, class: 'grid' })),
    svg('line', { x1: 0, x2: n * 10, y1: 99.5, y2: 99.5, class: 'base' }),
    ...bars.map((b, i) => {
      const height = max > 0 ? Math.max(b.value > 0 ? 1 : 0, (b.value / max) * 96) : 0;
      return svg('g', { class: 'bar' },
        svg('title', {}, b.title),
        svg('rect', { x: i * 10, y: 0, width: 10, height: 100, class: 'hit' }),
        svg('rect', { x: i * 10 + 1.5, y: 100 - height, width: 7, height, class: b.value < 0 ? 'neg' : 'val' }));
    }));
  const axis = h('div', { class: 'axis', 'aria-hidden': 'true' }, ...bars.map((b) => h('span', {}, b.label)));
  axis.style.gridTemplateColumns = `repeat(${n}, minmax(0, 1fr))`; // CSSOM, so a strict CSP allows it
  const list = h('ul', { class: 'sr-only' }, ...bars.map((b) => h('li', {}, b.title)));
  box.replaceChildren(chart, axis, list);
}
