/**
 * Variants of an Okta configuration for the relational invariants. Each builds a new TerraformModel
 * and leaves the one it was given untouched.
 */
import type { BaselineSpec } from "../../modules/spec";
import { compileOkta } from "../okta/compile";
import {
  isUnreadable,
  type AppAction,
  type GspAction,
  type GspConditions,
  type GspRule,
  type NetworkCondition,
  type OktaModel,
} from "../okta/model";
import { OKTA_ANYONE } from "../okta/space";
import { withResources } from "../verify/variants";
import { TfSymbol, type TerraformModel, type TfObject, type TfValue } from "../terraform/model";

export { reversedDeclarationOrder, withResourceValues, withoutResource } from "../verify/variants";

// -- adding exclusions ----------------------------------------------------------------------------------

const GSP_RULE = "okta_policy_rule_signon";
const APP_RULE = "okta_app_signon_policy_rule";

/** MFA prompt window of a session rule in seconds (0: every sign-in); undefined when it asks for no MFA. */
function sessionWindow(a: GspAction): number | undefined {
  if (!a.mfaRequired) return undefined;
  if (a.mfaPrompt === "ALWAYS") return 0;
  if (a.mfaPrompt === "SESSION") return (a.mfaLifetimeMinutes ?? 15) * 60;
  return Number.POSITIVE_INFINITY;
}

/**
 * Whether session rule `later` can ask for no more than `rule` does, for every sign-in: the union of
 * requirements then shrinks or stays when a user moves from `rule` to `later`.
 */
export function gspNotStricter(rule: GspAction, later: GspAction): boolean {
  if (rule.access === "DENY") return true;
  if (later.access === "DENY") return false;
  if (later.primaryFactor === "PASSWORD_IDP" && rule.primaryFactor !== "PASSWORD_IDP") return false;
  const w = sessionWindow(later);
  if (w === undefined) return true;
  const mine = sessionWindow(rule);
  return mine !== undefined && mine <= w;
}

/** The same for authentication rules: fewer factors, a longer re-authentication window, and no other constraints. */
export function appNotStricter(rule: AppAction, later: AppAction): boolean {
  if (rule.access === "DENY") return true;
  if (later.access === "DENY") return false;
  if (later.factorMode === "2FA" && rule.factorMode !== "2FA") return false;
  if (later.reauthenticateSeconds < rule.reauthenticateSeconds) return false;
  if (later.constraints.length === 0) return true;
  const mine = new Set(rule.constraints.map((c) => c.text));
  return later.constraints.length === mine.size && later.constraints.every((c) => mine.has(c.text));
}

interface Eligible {
  readonly gsp: readonly string[];
  readonly app: readonly string[];
}

/**
 * Rules to which an exclusion can be added without the outcome becoming stricter. Okta takes the first
 * rule that matches (Policy API "Policy evaluation"; developer.okta.com/docs/concepts/policies/), and
 * an excluded user goes on to the rules after it: for the global session policy the policy's later
 * rules and then every later policy ("If none of the Policy Rules have conditions that can be met, then
 * the next Policy in the list is considered"); for an authentication policy its later rules down to the
 * catch-all. Excluding someone from a lenient rule that a deny follows sends them to the deny, so an
 * exclusion is only sound on a rule none of whose successors is stricter (or could not be read). A
 * successor that repeats the conditions of a rule the request already failed in the same policy (a
 * country deny in the next policy, after the same deny in this one) cannot match, and does not count.
 */
export function exclusionEligibleRules(model: OktaModel): Eligible {
  const gsp: string[] = [];
  const sessionRules = model.globalSession.flatMap((tier) => tier.flatMap((p) => p.rules.flat()));
  for (const tier of model.globalSession)
    for (const policy of tier)
      policy.rules.forEach((group, g) => {
        // Rules of this policy in an earlier priority group: a request that matches `rule` failed each.
        const failedBefore = policy.rules.slice(0, g).flat();
        for (const rule of group) {
          if (rule.system || !rule.active || isUnreadable(rule.body)) continue;
          const action = rule.body.action;
          const later = sessionRules.slice(sessionRules.indexOf(rule) + 1).filter((r) => r.active);
          if (
            later.every(
              (r) =>
                !isUnreadable(r.body) &&
                (gspNotStricter(action, r.body.action) || shadowed(r.body.conditions, failedBefore)),
            )
          )
            gsp.push(rule.key);
        }
      });
  const app: string[] = [];
  for (const policy of model.appPolicies.values()) {
    if (isUnreadable(policy)) continue;
    const rules = policy.rules.flat();
    rules.forEach((rule, i) => {
      if (rule.system || !rule.active || isUnreadable(rule.body)) return;
      const action = rule.body.action;
      const later = rules.slice(i + 1).filter((r) => r.active);
      if (later.every((r) => !isUnreadable(r.body) && appNotStricter(action, r.body.action)))
        app.push(rule.key);
    });
  }
  return { gsp, app };
}

/**
 * Whether a later session rule can never match a request that got past `failedBefore`: one of them has
 * the same conditions and excludes no user that the later rule does not exclude too. The later rule
 * keeps its own exclusions in the variant, or gains the same ones if it is eligible itself.
 */
function shadowed(later: GspConditions, failedBefore: readonly GspRule[]): boolean {
  return failedBefore.some(
    (e) =>
      e.active &&
      !isUnreadable(e.body) &&
      sameGspConditions(e.body.conditions, later) &&
      [...e.body.conditions.usersExcluded].every((u) => later.usersExcluded.has(u)),
  );
}

function sameGspConditions(a: GspConditions, b: GspConditions): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
  const network = (n: NetworkCondition) =>
    n.connection === "ANYWHERE" ? "ANYWHERE" : `in ${[...n.include].sort()} out ${[...n.exclude].sort()}`;
  const idp = (c: GspConditions["identityProvider"]) =>
    c.provider === "SPECIFIC_IDP" ? `SPECIFIC_IDP ${[...c.ids].sort()}` : c.provider;
  return (
    network(a.network) === network(b.network) &&
    a.authType === b.authType &&
    idp(a.identityProvider) === idp(b.identityProvider) &&
    a.risk === b.risk &&
    sameList(a.behaviors, b.behaviors)
  );
}

/** Every user and group the configuration (and the spec) names, plus a user it does not. */
export function mentionedPrincipals(
  model: OktaModel,
  spec?: BaselineSpec,
): { users: string[]; groups: string[] } {
  const users = new Set<string>([OKTA_ANYONE, ...(spec?.okta?.breakGlassUserIds ?? [])]);
  const groups = new Set<string>();
  for (const tier of model.globalSession)
    for (const p of tier) {
      if (!p.isDefault && !isUnreadable(p.groups)) p.groups.forEach((g) => groups.add(g));
      for (const r of p.rules.flat())
        if (!isUnreadable(r.body)) r.body.conditions.usersExcluded.forEach((u) => users.add(u));
    }
  for (const p of model.appPolicies.values()) {
    if (isUnreadable(p)) continue;
    for (const r of p.rules.flat()) {
      if (isUnreadable(r.body)) continue;
      const people = r.body.conditions.people;
      [...people.usersIncluded, ...people.usersExcluded].forEach((u) => users.add(u));
      [...people.groupsIncluded, ...people.groupsExcluded].forEach((g) => groups.add(g));
    }
  }
  for (const a of model.appAssignments.values()) {
    if (isUnreadable(a)) continue;
    a.users.forEach((u) => users.add(u));
    a.groups.forEach((g) => groups.add(g));
  }
  model.everyoneGroups.forEach((g) => groups.delete(g));
  return { users: [...users], groups: [...groups] };
}

function idValue(model: TerraformModel, key: string): TfValue {
  return model.resources.has(key) ? new TfSymbol(key, "id") : key;
}

function appendTo(values: TfObject, attribute: string, extra: readonly TfValue[]): TfObject {
  const current = values[attribute];
  const list: readonly TfValue[] = Array.isArray(current)
    ? current
    : current === undefined || current === null
      ? []
      : [current];
  return { ...values, [attribute]: [...list, ...extra] };
}

/**
 * A copy of `model` in which `users` are excluded from every eligible session and authentication rule
 * and `groups` from every eligible authentication rule (session rules can only exclude users).
 */
export function withExclusions(
  model: TerraformModel,
  principals: { readonly users?: readonly string[]; readonly groups?: readonly string[] },
): TerraformModel {
  const eligible = exclusionEligibleRules(compileOkta(model));
  const users = (principals.users ?? []).map((u) => idValue(model, u));
  const groups = (principals.groups ?? []).map((g) => idValue(model, g));
  const gsp = new Set(eligible.gsp);
  const app = new Set(eligible.app);
  return withResources(
    model,
    [...model.resources.values()].map((r) => {
      if (r.type === GSP_RULE && gsp.has(r.address) && users.length)
        return { ...r, values: appendTo(r.values, "users_excluded", users) };
      if (r.type === APP_RULE && app.has(r.address) && (users.length || groups.length)) {
        let values = r.values;
        if (users.length) values = appendTo(values, "users_excluded", users);
        if (groups.length) values = appendTo(values, "groups_excluded", groups);
        return { ...r, values };
      }
      return r;
    }),
  );
}
