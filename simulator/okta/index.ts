export {
  AUTHENTICATORS,
  AUTHENTICATOR_TRAITS,
  ENROLLMENT_KEYS,
  type Authenticator,
  type AuthenticatorTraits,
} from "./authenticators";
export { APP_RESOURCE_TYPES, compileOkta, ORG_DEFAULT_APP_POLICY } from "./compile";
export {
  OKTA_ADMIN_CONSOLE,
  OKTA_BEHAVIOR_KINDS,
  OKTA_DASHBOARD,
  OKTA_RISK_LEVELS,
  OktaContextError,
  oktaContextSchema,
  parseOktaContext,
  type OktaBehaviorKind,
  type OktaContext,
  type OktaContextInput,
  type OktaRiskLevel,
} from "./context";
export {
  evaluateOkta,
  type OktaCondition,
  type OktaDecision,
  type OktaEnrollment,
  type OktaEvaluateOptions,
  type OktaMatch,
  type OktaPolicyType,
  type OktaSkip,
} from "./evaluate";
export type * from "./model";
export { isUnreadable } from "./model";
