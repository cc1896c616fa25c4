export { entraContextSchema, parseEntraContext, type EntraContext, type EntraContextInput } from "./context";
export { compileEntra } from "./compile";
export { evaluateEntra, type EvaluateOptions } from "./evaluate";
export * from "./decision";
export * from "./model";
export {
  parseDeviceFilter,
  matchDeviceFilter,
  DeviceFilterSyntaxError,
  type DeviceFilterExpr,
  type DeviceFacts,
} from "./device-filter";
export * from "./vocabulary";
