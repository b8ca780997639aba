// One ticking clock for every pending timer on screen.

export const clock = $state({ now: Date.now() });

let timer: ReturnType<typeof setInterval> | undefined;

export function startClock(): void {
  if (timer !== undefined) return;
  timer = setInterval(() => {
    clock.now = Date.now();
  }, 1000);
}

export function stopClock(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}
