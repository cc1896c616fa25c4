/**
 * Does a policy statement deny a given principal when it has no MFA? Pure functions over policy
 * documents, used by the lockout guards. Unknown values (unresolved references) never count as an
 * exemption, so the answer errs towards "yes, it would deny".
 */
import type { PolicyPrincipal, PolicyStatement } from "./policy-document";
import { PRINCIPAL_ARN_KEY } from "./principals";

/** A principal that must never need MFA: a break-glass user or the CI role. */
export interface GuardedPrincipal {
  /** How findings name it, e.g. `break-glass user breakglass-1`. */
  readonly label: string;
  readonly arn: string;
  /** Resolved Terraform references that also denote it, e.g. `${aws_iam_role.ci.arn}`. */
  readonly references: readonly string[];
  readonly accountId: string;
}

const MFA_KEYS = new Set(["aws:multifactorauthpresent", "aws:multifactorauthage"]);

/** A Deny whose conditions test MFA: the kind of statement that locks out principals that cannot do MFA. */
export function isMfaDeny(statement: PolicyStatement): boolean {
  if (statement.Effect !== "Deny" || !statement.Condition) return false;
  return Object.values(statement.Condition).some((keys) =>
    Object.keys(keys).some((k) => MFA_KEYS.has(k.toLowerCase())),
  );
}

type Match = "yes" | "no" | "unknown";

/** True when the statement, an MFA deny, can apply to the principal: the principal matches its Principal and no `aws:PrincipalArn` condition keeps it out. */
export function mfaDenyCatches(statement: PolicyStatement, principal: GuardedPrincipal): boolean {
  return (
    isMfaDeny(statement) &&
    principalMayMatch(statement.Principal, principal) &&
    !principalArnConditionExcludes(statement, principal)
  );
}

function principalMayMatch(p: PolicyPrincipal | undefined, principal: GuardedPrincipal): boolean {
  // No Principal: an identity policy (or SCP), which applies to whoever it is attached to.
  if (p === undefined || p === "*") return true;
  const aws = Object.entries(p).find(([type]) => type === "AWS")?.[1] ?? [];
  const accountWide = new Set(["*", principal.accountId, `arn:aws:iam::${principal.accountId}:root`]);
  return aws.some((id) => accountWide.has(id) || matchValue(id, principal, false) !== "no");
}

const POSITIVE = new Set(["arnequals", "arnlike", "stringequals", "stringlike", "stringequalsignorecase"]);
const NEGATIVE = new Set([
  "arnnotequals",
  "arnnotlike",
  "stringnotequals",
  "stringnotlike",
  "stringnotequalsignorecase",
]);

function principalArnConditionExcludes(statement: PolicyStatement, principal: GuardedPrincipal): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const values = Object.entries(keys).find(
      ([k]) => k.toLowerCase() === PRINCIPAL_ARN_KEY.toLowerCase(),
    )?.[1];
    if (!values) continue;
    // aws:PrincipalArn is always in the request context, so an ...IfExists operator behaves like its base operator.
    const base = operator.toLowerCase().replace(/ifexists$/, "");
    const wildcard = base.endsWith("like");
    const ignoreCase = base.endsWith("ignorecase");
    const matches = values.map((v) => matchValue(v, principal, wildcard, ignoreCase));
    if (POSITIVE.has(base) && matches.every((m) => m === "no")) return true;
    if (NEGATIVE.has(base) && matches.some((m) => m === "yes")) return true;
  }
  return false;
}

function matchValue(
  value: string,
  principal: GuardedPrincipal,
  wildcard: boolean,
  ignoreCase = false,
): Match {
  if (principal.references.includes(value)) return "yes";
  if (value.includes("${")) return "unknown";
  const [pattern, arn] = ignoreCase
    ? [value.toLowerCase(), principal.arn.toLowerCase()]
    : [value, principal.arn];
  if (!wildcard) return pattern === arn ? "yes" : "no";
  return globMatches(pattern, arn) ? "yes" : "no";
}

/** IAM `*` (any run of characters) and `?` (one character) matching. */
export function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}
