import { beforeEach, describe, expect, it } from 'vitest';
import { findOrder, isLater, recent, upsertOrder } from '../src/lib/orders.svelte';
import { order } from './fixtures';

// Copies of one order as the engine sends them: its command's answer and the sync loop's
// events race, so they arrive in any order. RFC 3339 drops a zero fraction: `…:08Z` is the
// whole second, earlier than `…:08.022Z` though it sorts after it as text.
const queued = order('queued', { updated_at: '2026-12-04T04:33:07.983Z' });
const accepted = order('accepted', { updated_at: '2026-12-04T04:33:08Z' });
const processing = order('processing', { updated_at: '2026-12-04T04:33:08.022Z' });
const success = order('success', { updated_at: '2026-12-04T04:33:08.022Z', sn: 'SN1' });

describe('the latest copy of an order', () => {
  beforeEach(() => {
    recent.list = [];
    recent.currentId = null;
  });

  it('is judged by instants, not by text', () => {
    expect(isLater(success, accepted)).toBe(true);
    expect(isLater(accepted, success)).toBe(false);
    upsertOrder(accepted);
    upsertOrder(success);
    expect(findOrder(success.id)?.status).toBe('success');
  });

  it('is never replaced by an earlier copy arriving late', () => {
    upsertOrder(success);
    upsertOrder(queued);
    upsertOrder(accepted);
    expect(findOrder(success.id)?.status).toBe('success');
    expect(recent.list).toHaveLength(1);
  });

  it('at the same instant, is the one further along', () => {
    expect(isLater(success, processing)).toBe(true);
    expect(isLater(processing, success)).toBe(false);
    upsertOrder(success);
    upsertOrder(processing);
    expect(findOrder(success.id)?.status).toBe('success');
  });

  it('is not replaced by the same copy again', () => {
    expect(isLater(success, { ...success })).toBe(false);
  });
});
