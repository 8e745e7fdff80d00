/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) by self time: the functions and the files
 * (packages) the process spent its CPU in, the profile behind the closing notes of issue 18.
 *
 *   node --conditions=source --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof src/main.ts --only W2 --systems replaykit
 *   npm run profile -w @replaykit/bench -- /tmp/prof/<file>.cpuprofile [top]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

const [path, topArg] = process.argv.slice(2);
if (!path) {
  process.stderr.write("usage: npm run profile -w @replaykit/bench -- <file.cpuprofile> [top]\n");
  process.exit(2);
}
const top = Number(topArg ?? "30");
const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

/** Where a frame lives: the package under node_modules, the workspace folder, or node itself. */
function area(url: string): string {
  if (url === "") return "(native/vm)";
  if (url.startsWith("node:")) return url;
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const at = url.search(/packages\/|bench\//);
  return at >= 0 ? url.slice(at) : url;
}

const functions = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  total += us;
  const name = `${frame.functionName || "(anonymous)"} ${area(frame.url)}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + us);
  const where = area(frame.url).replace(/\/[^/]*$/, (file) =>
    file.endsWith(".ts") || file.endsWith(".js") ? file : "",
  );
  areas.set(where, (areas.get(where) ?? 0) + us);
}
const show = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(
      `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}\n`,
    );
  }
};
process.stdout.write(`profile ${path}: ${(total / 1000).toFixed(0)} ms sampled\n`);
show("self time by function", functions);
show("self time by file", areas);
