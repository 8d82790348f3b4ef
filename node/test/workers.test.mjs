// Worker threads: terminating one with calls in flight must never take the process down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startMock, runNode, here } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

// The addon used to run each call as a `#[napi] async fn` on `&self`: the future read the
// wrapped NativeClient, which a terminated worker's env frees, so a call started just before
// termination read freed memory on a tokio thread (segfault, "memory allocation of
// 79164837199872 bytes failed", "capacity overflow"; 5 of 8 runs died). 2 processes x 4
// rounds: each round terminates 4 workers with 16 calls in flight and calls starting.
test('terminating workers with calls in flight: no crash, their calls dropped, the rest keep working', async () => {
  for (let run = 0; run < 2; run++) {
    const r = await runNode([path.join(here, 'fixtures', 'workers.cjs'), mock.origin, '4']);
    assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    const rounds = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(rounds.length, 4, r.stdout);
    for (const round of rounds) {
      assert.equal(round.main, true, 'the main thread\'s calls after termination succeed');
      assert.equal(round.survivor, true, 'a worker that was not terminated keeps working');
      assert.ok(round.doomedBefore > 0, 'the terminated workers\' calls had reached the mock');
      assert.equal(round.doomedAfter, round.doomedBefore, 'no request of a terminated worker after it ended (retries stopped)');
    }
  }
});
