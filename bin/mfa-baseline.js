#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx transpiles on load; no build step).
require("tsx/cjs");
require("../cli/main.ts");
