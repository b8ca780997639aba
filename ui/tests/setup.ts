export {};
// Testing Library's cleanup after each test; only meaningful where a DOM exists.
if (typeof window !== 'undefined') await import('@testing-library/svelte/vitest');
