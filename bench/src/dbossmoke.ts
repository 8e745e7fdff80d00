import { startPostgres } from "./postgres.js";
import { registerSteps, runDbos, withDbos } from "./systems/dbos.js";

const s = await startPostgres();
try {
  for (const label of ["W1", "W2"]) {
    await withDbos(s, label, registerSteps, async (steps) => {
      for (const n of [0, 1, 3, 10]) {
        const t = performance.now();
        for (let k = 0; k < 20; k++) await runDbos(steps, `r-${n}-${k}`, n);
        console.log(label, n, ((performance.now() - t) / 20).toFixed(2), "ms/run");
      }
    });
  }
} finally {
  await s.stop();
}
