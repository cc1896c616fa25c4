/** Loading and resolving Terraform JSON (cdktf synth output or plan JSON) into the model the evaluators read. */
export * from "./model";
export * from "./read";
export { LoadError } from "./errors";
export { loadTerraformJson, type LoadOptions } from "./load-config";
export { loadPlanJson } from "./load-plan";
export { loadSynthDir, loadFile } from "./load-files";
export { SUPPORTED_FUNCTIONS } from "./evaluate";
