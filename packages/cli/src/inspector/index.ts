export type { RouteContext, RouteHandler } from "./http.js";
export { type Inspector, type InspectorOptions, startInspector } from "./server.js";
