/**
 * Judges what a matched global session rule and authentication rule ask for against the authenticators
 * the session has already used (and how long ago). Sources:
 * - Factor mode: "2FA: two distinct factor types" (knowledge, possession, inherence), help
 *   add-app-sign-on-policy-rule (help.okta.com/oie/en-us/Content/Topics/identity-engine/policies/add-app-sign-on-policy-rule.htm).
 * - Constraints: "only one Constraint object needs to be satisfied, but within a Constraint object, each
 *   Constraint property must be satisfied" (Policy API, "Constraints", developer.okta.com/docs/reference/api/policy/).
 * - Re-authentication: `reauthenticateIn` / `re_authentication_frequency` (PT0S = every attempt); a
 *   constraint's own reauthenticateIn overrides the rule's (Policy API).
 * - GSP MFA prompt: DEVICE / SESSION (after factorLifetime) / ALWAYS (Policy API "Signon Action object").
 */
import type { Requirement } from "../decision";
import { AUTHENTICATOR_TRAITS, type AuthenticatorTraits, type FactorType } from "./authenticators";
import type { OktaAuthenticatorUse, OktaContext } from "./context";
import type { AppAction, ClassConstraint, ConstraintObject, GspAction } from "./model";

export interface UsedAuthenticator {
  readonly traits: AuthenticatorTraits;
  readonly ageSeconds: number;
  readonly userVerified: boolean;
  readonly hardwareProtected: boolean;
}

export function usedAuthenticators(uses: readonly OktaAuthenticatorUse[]): UsedAuthenticator[] {
  const out: UsedAuthenticator[] = new Array(uses.length);
  for (let i = 0; i < uses.length; i++) {
    const u = uses[i];
    const traits = AUTHENTICATOR_TRAITS[u.authenticator];
    out[i] = {
      traits,
      ageSeconds: u.ageSeconds,
      userVerified: u.userVerified && traits.userVerification,
      hardwareProtected: u.hardwareProtected ?? traits.hardwareProtection,
    };
  }
  return out;
}

const KNOWLEDGE = 1;
const POSSESSION = 2;
const INHERENCE = 4;

function typeBits(a: UsedAuthenticator): number {
  return (a.traits.class === "knowledge" ? KNOWLEDGE : POSSESSION) | (a.userVerified ? INHERENCE : 0);
}

function countBits(bits: number): number {
  return (bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1);
}

/** Distinct factor types among authenticators used within `windowSeconds`. */
export function factorTypesWithin(used: readonly UsedAuthenticator[], windowSeconds: number): number {
  let bits = 0;
  for (const a of used) if (a.ageSeconds <= windowSeconds) bits |= typeBits(a);
  return countBits(bits);
}

export function factorTypeNames(used: readonly UsedAuthenticator[], windowSeconds: number): FactorType[] {
  let bits = 0;
  for (const a of used) if (a.ageSeconds <= windowSeconds) bits |= typeBits(a);
  const out: FactorType[] = [];
  if (bits & KNOWLEDGE) out.push("knowledge");
  if (bits & POSSESSION) out.push("possession");
  if (bits & INHERENCE) out.push("inherence");
  return out;
}

function meets(
  a: UsedAuthenticator,
  cls: "knowledge" | "possession",
  c: ClassConstraint,
  windowSeconds: number,
): boolean {
  if (a.traits.class !== cls) return false;
  if (a.ageSeconds > (c.reauthenticateSeconds ?? windowSeconds)) return false;
  if (c.types && !c.types.has(a.traits.type)) return false;
  if (c.methods && !c.methods.has(a.traits.method)) return false;
  if (c.phishingResistant === "REQUIRED" && !a.traits.phishingResistant) return false;
  if (c.hardwareProtection === "REQUIRED" && !a.hardwareProtected) return false;
  // Phishing resistance and hardware protection imply device binding (help add-app-sign-on-policy-rule).
  if (c.deviceBound === "REQUIRED" && !a.traits.deviceBound) return false;
  if (c.userVerification === "REQUIRED" && !a.userVerified) return false;
  return true;
}

function firstMeeting(
  used: readonly UsedAuthenticator[],
  cls: "knowledge" | "possession",
  c: ClassConstraint,
  windowSeconds: number,
): UsedAuthenticator | undefined {
  for (const a of used) if (meets(a, cls, c, windowSeconds)) return a;
  return undefined;
}

function constraintMet(
  o: ConstraintObject,
  used: readonly UsedAuthenticator[],
  windowSeconds: number,
  needed: number,
): boolean {
  let bits = 0;
  for (const a of used) if (a.ageSeconds <= windowSeconds) bits |= typeBits(a);
  if (o.knowledge) {
    const match = firstMeeting(used, "knowledge", o.knowledge, windowSeconds);
    if (!match) return false;
    bits |= typeBits(match);
  }
  if (o.possession) {
    const match = firstMeeting(used, "possession", o.possession, windowSeconds);
    if (!match) return false;
    bits |= typeBits(match);
  }
  return countBits(bits) >= needed;
}

function anyConstraintMet(
  constraints: readonly ConstraintObject[],
  used: readonly UsedAuthenticator[],
  windowSeconds: number,
  needed: number,
): boolean {
  for (const o of constraints) if (constraintMet(o, used, windowSeconds, needed)) return true;
  return false;
}

function everyPossession(
  constraints: readonly ConstraintObject[],
  property: "phishingResistant" | "hardwareProtection",
): boolean {
  for (const o of constraints) if (o.possession?.[property] !== "REQUIRED") return false;
  return true;
}

function usedPhishingResistantWithin(used: readonly UsedAuthenticator[], windowSeconds: number): boolean {
  for (const a of used) if (a.traits.phishingResistant && a.ageSeconds <= windowSeconds) return true;
  return false;
}

function usedPassword(used: readonly UsedAuthenticator[]): boolean {
  for (const a of used) if (a.traits.type === "PASSWORD") return true;
  return false;
}

const NOTHING_REQUIRED: readonly Requirement[] = Object.freeze([]);

export interface AppJudgement {
  readonly met: boolean;
  readonly requires: readonly Requirement[];
  /** Nothing used within the re-authentication window: the user is prompted again. */
  readonly reauthenticationDue: boolean;
}

/** Whether the authentication rule's factor mode, constraints and re-authentication are met. */
export function judgeApp(action: AppAction, used: readonly UsedAuthenticator[]): AppJudgement {
  const window = action.reauthenticateSeconds;
  const needed = action.factorMode === "2FA" ? 2 : 1;
  const types = factorTypesWithin(used, window);
  const reauthenticationDue = types === 0;
  if (action.constraints.length === 0) {
    // One unconstrained factor is primary authentication, not MFA: never reported as a requirement.
    const met = needed === 1 || types >= 2;
    return { met, requires: met ? NOTHING_REQUIRED : ["mfa"], reauthenticationDue };
  }
  if (anyConstraintMet(action.constraints, used, window, needed))
    return { met: true, requires: NOTHING_REQUIRED, reauthenticationDue };
  const requires: Requirement[] = [];
  const prWindow = action.constraints[0].possession?.reauthenticateSeconds ?? window;
  if (
    everyPossession(action.constraints, "phishingResistant") &&
    !usedPhishingResistantWithin(used, prWindow)
  )
    requires.push("phishing-resistant");
  if (needed === 2 && types < 2) requires.push("mfa");
  if (requires.length === 0)
    requires.push(
      everyPossession(action.constraints, "hardwareProtection")
        ? "custom:okta-hardware-protected"
        : "custom:okta-constraints",
    );
  return { met: false, requires, reauthenticationDue };
}

export interface SessionJudgement {
  readonly met: boolean;
  readonly requires: readonly Requirement[];
}

/**
 * The global session rule's own requirements: the primary factor (PASSWORD_IDP: "the user must always
 * use a password (or IdP)") and, with mfa_required, a second factor type according to the prompt mode.
 */
export function judgeSession(
  action: GspAction,
  used: readonly UsedAuthenticator[],
  context: OktaContext,
): SessionJudgement {
  return judgeSessionFor(action, used, context.identityProvider, context.device.mfaRemembered);
}

/** `judgeSession` given the only two context facts it reads. */
export function judgeSessionFor(
  action: GspAction,
  used: readonly UsedAuthenticator[],
  identityProvider: string,
  mfaRemembered: boolean,
): SessionJudgement {
  const requires: Requirement[] = [];
  if (action.primaryFactor === "PASSWORD_IDP" && identityProvider === "OKTA" && !usedPassword(used)) {
    requires.push("custom:okta-password");
  }
  if (action.mfaRequired && !(action.mfaPrompt === "DEVICE" && mfaRemembered)) {
    const window =
      action.mfaPrompt === "ALWAYS"
        ? 0
        : action.mfaPrompt === "SESSION"
          ? (action.mfaLifetimeMinutes ?? 15) * 60
          : Number.POSITIVE_INFINITY;
    if (factorTypesWithin(used, window) < 2) requires.unshift("mfa");
  }
  return { met: requires.length === 0, requires };
}

const STRENGTH: readonly Requirement[] = [
  "phishing-resistant",
  "passwordless-mfa",
  "mfa",
  "fresh-mfa",
  "password-change",
];

function rank(r: Requirement): number {
  const i = STRENGTH.indexOf(r);
  return i < 0 ? STRENGTH.length : i;
}

/** Inserts `r` after every requirement at least as strong (a stable sort by strength), unless present. */
function insertByStrength(out: Requirement[], r: Requirement): void {
  if (out.includes(r)) return;
  const k = rank(r);
  let i = out.length;
  while (i > 0 && rank(out[i - 1]) > k) i--;
  out.splice(i, 0, r);
}

/** Union of requirements, strongest first, each once. */
export function unionRequirements(a: readonly Requirement[], b: readonly Requirement[]): Requirement[] {
  const out: Requirement[] = [];
  for (const r of a) insertByStrength(out, r);
  for (const r of b) insertByStrength(out, r);
  return out;
}
