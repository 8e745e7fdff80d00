/** `node --import tsx migrate-main.ts <database url>`: migrates and exits 0, or prints the error and exits 1. */
import { createClient } from "../../src/index.js";

const url = process.argv[2];
if (!url) {
  process.stderr.write("usage: migrate-main.ts <database url>\n");
  process.exit(2);
}
const client = createClient({ uri: url });
try {
  await client.migrate();
  await client.close();
  process.stdout.write("migrated\n");
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
