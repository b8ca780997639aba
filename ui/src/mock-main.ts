// The browser-only entry (mock.html): installs the in-memory engine, then starts the same
// app as index.html. `?scenario=fresh` starts unpaired (Setup); the default is a shop that
// is ready to sell. `?step=MS` changes how fast orders move, for demos and e2e; `?stale=1`
// adds two orders stuck in the outbox since yesterday (Riwayat asks to send or cancel them).

import { installMock, type Scenario } from './lib/mock';

const params = new URLSearchParams(window.location.search);
const scenario: Scenario = params.get('scenario') === 'fresh' ? 'fresh' : 'ready';
const step = Number(params.get('step') ?? '');
const engine = installMock(scenario, Number.isFinite(step) && step > 0 ? { stepMs: step, pendingMs: step * 3 } : {});
if (scenario === 'ready' && params.get('stale') === '1') engine.seedStale();

await import('./main');
