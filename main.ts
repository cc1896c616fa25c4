/**
 * The cdktf app: one stack per provider for the organisation's baseline. The spec is the embedded
 * example organisation unless MFA_BASELINE_SPEC names a YAML or JSON spec file.
 */
import { App } from "cdktf";
import { loadBaselineSpec } from "./modules/spec-file";
import { addBaselineStacks } from "./stacks";

const app = new App();
addBaselineStacks(app, loadBaselineSpec(process.env.MFA_BASELINE_SPEC));
app.synth();
