import { exitQuietlyOnClosedStdout } from "../shared/stdout-pipe.js";
import { main } from "./main.js";

exitQuietlyOnClosedStdout();
process.exitCode = await main(process.argv.slice(2));
