// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { openApp, screenTests } from './screens';

const install = screenTests();

describe('Jual, through the real components and the mock engine', () => {
  it('sells pulsa with Enter, Enter after the number and shows the live status', async () => {
    const { engine, calls } = install({ stepMs: 20, pendingMs: 60 });
    await openApp(engine);
    const input = (await screen.findByTestId('smart-input')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(input));

    input.value = '081234567890';
    await fireEvent.input(input);
    await screen.findByText('Telkomsel ✓');
    const first = (await screen.findAllByRole('option'))[0];
    expect(first?.getAttribute('aria-selected')).toBe('true');

    let keys = 0;
    await fireEvent.keyDown(input, { key: 'Enter' });
    keys++;
    const cash = (await screen.findByLabelText('Uang diterima')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(cash));
    await fireEvent.keyDown(cash, { key: 'Enter' });
    keys++;
    expect(keys).toBeLessThanOrEqual(4);

    const placed = calls.filter(([c]) => c === 'place_order');
    expect(placed).toHaveLength(1);
    expect(placed[0]?.[1]).toEqual({ sku: 'tsel5', target: '081234567890' });

    const card = await screen.findByTestId('order-card');
    expect(card.textContent).not.toMatch(/Sukses/i);
    await waitFor(() => expect(card.getAttribute('data-status')).toBe('success'), { timeout: 3000 });
    expect(card.textContent).toMatch(/Sukses/i);
    expect(screen.getByTestId('order-change').textContent).toBe('Rp0');
    // The input is cleared and focused for the next customer.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('smart-input')));
    expect((screen.getByTestId('smart-input') as HTMLInputElement).value).toBe('');
  });
});
