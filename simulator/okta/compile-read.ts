/** Typed reads shared by the Okta compilers: enums, status, network conditions, priorities, durations. */
import { IndeterminateError, Reader } from "../terraform/read";
import { isoDurationSeconds } from "./duration";
import type { Maybe, NetworkCondition, RiskCondition } from "./model";

export function attempt<T>(read: () => T): Maybe<T> {
  try {
    return read();
  } catch (e) {
    if (e instanceof IndeterminateError) return { unreadable: e.message };
    throw e;
  }
}

/** What every Okta policy and rule has: a name (the resource name when unset), a priority and a status. */
export function headOf(
  r: Reader,
  fallbackName: string,
): Maybe<{ name: string; priority: number | undefined; active: boolean }> {
  return attempt(() => ({
    name: r.string("name") ?? fallbackName,
    priority: priority(r),
    active: status(r),
  }));
}

/** The policy a rule belongs to. */
export function policyOf(r: Reader): Maybe<string> {
  return attempt(() => r.ref("policy_id") ?? r.fail("policy_id", "a rule needs policy_id"));
}

export function oneOf<T extends string>(r: Reader, key: string, allowed: readonly T[], fallback: T): T {
  const v = r.string(key);
  if (v === undefined) return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  return r.fail(key, `unknown value "${v}"; expected one of ${allowed.join(", ")}`);
}

export function status(r: Reader): boolean {
  return oneOf(r, "status", ["ACTIVE", "INACTIVE"], "ACTIVE") === "ACTIVE";
}

/**
 * `network_connection` with `network_includes`/`network_excludes`. Sources: Policy API "Network
 * Condition object" (ANYWHERE, ZONE with include or exclude, ALL_ZONES); help "add-okta-sign-on-policy-rule"
 * (Anywhere / In zone / Not in zone). Decisions (reference open points 2 and 8): several included zones
 * are ORed; include together with exclude (which the provider forbids) and the legacy ON_NETWORK /
 * OFF_NETWORK values (removed from the API docs in 2018) are not interpreted.
 */
export function network(r: Reader): NetworkCondition {
  const connection = r.string("network_connection") ?? "ANYWHERE";
  const include = r.refs("network_includes");
  const exclude = r.refs("network_excludes");
  if (connection === "ANYWHERE") {
    if (include.length || exclude.length)
      r.fail("network_connection", "ANYWHERE together with network_includes/network_excludes is ambiguous");
    return { connection: "ANYWHERE" };
  }
  if (connection === "ZONE") {
    if (include.length && exclude.length)
      r.fail(
        "network_includes",
        "zones both included and excluded: the provider forbids it and Okta does not document the result",
      );
    if (!include.length && !exclude.length)
      r.fail("network_connection", "ZONE needs network_includes or network_excludes");
    return { connection: "ZONE", include, exclude };
  }
  if (connection === "ON_NETWORK" || connection === "OFF_NETWORK") {
    return r.fail(
      "network_connection",
      `${connection} is a legacy value removed from the Okta policy API docs (2018); its meaning is not defined`,
    );
  }
  return r.fail("network_connection", `unknown value "${connection}"; expected ANYWHERE or ZONE`);
}

export function risk(r: Reader, key: string): RiskCondition {
  return oneOf(r, key, ["ANY", "LOW", "MEDIUM", "HIGH"] as const, "ANY");
}

export function priority(r: Reader): number | undefined {
  const p = r.number("priority");
  if (p !== undefined && (!Number.isInteger(p) || p < 0))
    r.fail("priority", `priority must be a whole number ≥ 0, got ${p}`);
  return p;
}

export function duration(r: Reader, key: string, fallback: string): { text: string; seconds: number } {
  const text = r.string(key) ?? fallback;
  const seconds = isoDurationSeconds(text);
  if (seconds === undefined) r.fail(key, `"${text}" is not an ISO-8601 duration such as PT2H`);
  return { text, seconds: seconds as number };
}

/** Priority 1 (GSP, enrollment) or 0 (authentication policy) is highest; an unset priority means last (Policy API, "Rules object": default Last / Lowest Priority). Equal priorities stay grouped: which comes first is decided by creation order, which the configuration does not fix. */
export function orderByPriority<T extends { readonly priority?: number; readonly key: string }>(
  items: readonly T[],
): T[][] {
  const sorted = [...items].sort(
    (a, b) =>
      (a.priority ?? Number.POSITIVE_INFINITY) - (b.priority ?? Number.POSITIVE_INFINITY) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const groups: T[][] = [];
  for (const item of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0].priority === item.priority) last.push(item);
    else groups.push([item]);
  }
  return groups;
}
