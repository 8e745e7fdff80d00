// One throwaway MariaDB for the whole test run (or REPLAY_MYSQL_URL); see inject("mysqlUrl").
export { setup } from "@replaykit/runtime/testing";
