// For the tests that run the real components in jsdom against the mock engine: the engine
// installed behind the IPC layer for a test and taken down after it, the app opened on
// Jual, and typing into a field.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach } from 'vitest';
import App from '../src/App.svelte';
import { installMock, type MockEngine } from '../src/lib/mock';
import type { MockOptions } from '../src/lib/mock/context';
import { recent } from '../src/lib/orders.svelte';
import { session } from '../src/lib/session.svelte';

/** Every command the screens sent, with its arguments, in order. */
export type Calls = [string, Record<string, unknown> | undefined][];

/**
 * For the test file that calls it: returns `install`, which puts a fast mock engine behind
 * the IPC layer and records the commands it is sent. After each test the screens and the
 * engine go, the session's own state (recent sales, the screen shown) is reset, and then
 * `reset` undoes whatever else the file changed.
 */
export function screenTests(reset?: () => void) {
  let current: MockEngine | undefined;
  afterEach(() => {
    cleanup();
    current?.stop();
    current = undefined;
    clearMocks();
    recent.list = [];
    recent.currentId = null;
    session.screen = 'jual';
    reset?.();
  });
  return function install(options: Partial<MockOptions> = { stepMs: 10, pendingMs: 30 }): { engine: MockEngine; calls: Calls } {
    const engine = installMock('ready', options);
    current = engine;
    const calls: Calls = [];
    const handle = engine.handle;
    engine.handle = (cmd, args) => {
      calls.push([cmd, args]);
      return handle(cmd, args);
    };
    return { engine, calls };
  };
}

/** Logs in with `pin` (a cashier's unless told) and opens the app, which starts on Jual. */
export async function openApp(engine: MockEngine, pin = '1111'): Promise<void> {
  await engine.handle('login', { pin });
  render(App);
  await screen.findByTestId('smart-input');
}

/** Puts `text` in a field as typing would, and lets the screen react. */
export async function typeInto(el: HTMLElement, text: string): Promise<void> {
  (el as HTMLInputElement).value = text;
  await fireEvent.input(el);
}
