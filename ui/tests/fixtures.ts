import type { Order, OrderStatus } from '../src/lib/types';

export function order(status: OrderStatus, extra: Partial<Order> = {}): Order {
  const at = new Date(Date.now() - 42_000).toISOString();
  return {
    id: 'KNT-2611-000123',
    sku: 'tsel10',
    product_name: 'Telkomsel 10.000',
    category: 'pulsa',
    target: '081234567890',
    status,
    price_idr: 11_500,
    cost_idr: 10_100,
    cash_idr: 20_000,
    change_idr: 8_500,
    cashier_name: 'Sri',
    created_at: at,
    updated_at: at,
    ...extra,
  };
}
