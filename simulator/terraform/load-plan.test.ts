/**
 * Plan JSON (`terraform show -json <planfile>`), per the documented format:
 * https://developer.hashicorp.com/terraform/internals/json-format
 * Unknown values are omitted from planned_values and flagged `true` in `after_unknown`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LoadError, TfJson, TfSymbol, loadPlanJson, type TerraformModel } from "./index";

const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "plan-basic.json"), "utf8")) as Record<
  string,
  unknown
>;
const load = (json: unknown): TerraformModel => loadPlanJson(json, { stack: "plan", file: "plan.json" });

describe("loadPlanJson", () => {
  const m = load(fixture);

  it("reads planned values of the root module and child modules, and data sources from prior_state", () => {
    expect([...m.resources.keys()]).toEqual([
      "okta_group.admins",
      "okta_policy_signon.gsp",
      "okta_policy_rule_signon.mfa",
      "data.aws_iam_policy_document.deny",
      "module.network.okta_network_zone.office[0]",
      "data.aws_caller_identity.current",
    ]);
    expect(m.resourcesOfType("okta_network_zone")[0]).toMatchObject({
      address: "module.network.okta_network_zone.office[0]",
      name: "office",
      values: { gateways: ["203.0.113.0/24"] },
    });
    expect(m.dataSourcesOfType("aws_caller_identity")[0].values.account_id).toBe("111122223333");
  });

  it("turns an unknown computed attribute into a symbol of the resource", () => {
    expect(m.resources.get("okta_group.admins")?.values.id).toEqual(new TfSymbol("okta_group.admins", "id"));
    expect(m.resources.get("module.network.okta_network_zone.office[0]")?.values.id).toEqual(
      new TfSymbol("module.network.okta_network_zone.office[0]", "id"),
    );
  });

  it("turns an unknown attribute whose expression has one reference into that reference, with a warning", () => {
    expect(m.resources.get("okta_policy_rule_signon.mfa")?.values.policy_id).toEqual(
      new TfSymbol("okta_policy_signon.gsp", "id"),
    );
    expect(m.resources.get("okta_policy_signon.gsp")?.values.groups_included).toEqual([
      new TfSymbol("okta_group.admins", "id"),
    ]);
    expect(m.diagnostics).toContainEqual({
      severity: "warning",
      location: {
        stack: "plan",
        address: "okta_policy_rule_signon.mfa",
        path: "policy_id",
        file: "plan.json",
      },
      message:
        "unknown until apply; taken to be okta_policy_signon.gsp.id, the only reference in its configuration expression",
    });
  });

  it("renders a policy document whose json is unknown from its planned values", () => {
    expect(m.resources.get("data.aws_iam_policy_document.deny")?.values.json).toEqual(
      new TfJson({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyWithoutMfa",
            Effect: "Deny",
            NotAction: "iam:ChangePassword",
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
          {
            Sid: "Bucket",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: new TfSymbol("aws_s3_bucket.state", "arn"),
          },
        ],
      }),
    );
  });

  it("reads variables and outputs; an unknown output is a symbol", () => {
    expect(m.variables.get("env")).toBe("prod");
    expect(m.outputs.get("env")).toBe("prod");
    expect(m.outputs.get("group_id")).toEqual(new TfSymbol("output.group_id", "value"));
  });

  it("a known policy document from a plan keeps its string", () => {
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            {
              address: "aws_iam_policy.p",
              mode: "managed",
              type: "aws_iam_policy",
              name: "p",
              values: { policy: '{"Version":"2012-10-17"}' },
            },
          ],
        },
      },
    };
    expect(load(plan).resources.get("aws_iam_policy.p")?.values.policy).toBe('{"Version":"2012-10-17"}');
  });

  it.each<[unknown, string]>([
    [[], "plan.json (stack plan): not a Terraform plan: expected a JSON object"],
    [{ planned_values: {} }, 'plan.json (stack plan): not a Terraform plan: "format_version" is missing'],
    [
      { format_version: "2.0", planned_values: {} },
      'plan.json (stack plan): unsupported plan format_version "2.0"; supported: 1.x',
    ],
    [
      { format_version: "1.2", planned_values: { root_module: { resources: {} } } },
      "plan.json (stack plan), planned_values.root_module.resources: expected an array",
    ],
    [
      {
        format_version: "1.2",
        planned_values: { root_module: { resources: [{ address: "a.b", mode: "x", type: "a", name: "b" }] } },
      },
      'plan.json (stack plan), planned_values.root_module.resources[0]: a resource needs string "address", "type", "name" and "mode" ("managed" or "data")',
    ],
  ])("rejects %j", (json, message) => {
    expect(() => load(json)).toThrow(new LoadError(message));
  });
});
