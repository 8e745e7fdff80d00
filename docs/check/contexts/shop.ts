// Context "shop": the generated API and the types of examples/shop, as a file of the shop imports them.
// biome-ignore-all lint/correctness/noUnusedImports: a context imports what the blocks that name it use

import type { OrderFlow, OrderWorkflow, ShopRunOptions } from "../../../examples/shop/src/replay_gen.js";
import {
  awaitFollowUpResult,
  awaitOrderResult,
  awaitSalesReportResult,
  mockOrderFlow,
  ORDER_WORKFLOW,
  queryOrderStatus,
  runFollowUp,
  runOrder,
  SHOP_NAMESPACE,
  scheduleSalesReport,
  signalOrderWarehouseReady,
  signalWithStartOrderWarehouseReady,
  startShopLoops,
  startUpdateOrderChangeAddress,
  streamOrderShipped,
  updateOrderChangeAddress,
  updateWithStartOrderChangeAddress,
} from "../../../examples/shop/src/replay_gen.js";
import type { Backends, OrderInput, OrderResult, ShipInput, ShipResult } from "../../../examples/shop/src/types.js";
import { startShopWorker } from "../../../examples/shop/src/worker.js";
import { followUp, order, salesReport } from "../../../examples/shop/src/workflow.js";
