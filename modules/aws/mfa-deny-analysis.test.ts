import fc from "fast-check";
import { globMatches, isMfaDeny, mfaDenyCatches, type GuardedPrincipal } from "./mfa-deny-analysis";
import type { ConditionBlock, PolicyStatement } from "./policy-document";

const breakGlass: GuardedPrincipal = {
  label: "break-glass user bg",
  arn: "arn:aws:iam::111122223333:user/bg",
  references: ["${aws_iam_user.bg.arn}"],
  accountId: "111122223333",
};

const MFA_ABSENT: ConditionBlock = { BoolIfExists: { "aws:MultiFactorAuthPresent": ["false"] } };
const deny = (condition: ConditionBlock, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: "Deny",
  Action: ["*"],
  Resource: ["*"],
  Condition: condition,
  ...extra,
});

describe("isMfaDeny", () => {
  it("recognises denies on either MFA key, in any letter case, with any operator", () => {
    expect(isMfaDeny(deny(MFA_ABSENT))).toBe(true);
    expect(isMfaDeny(deny({ Bool: { "aws:multifactorauthpresent": ["false"] } }))).toBe(true);
    expect(isMfaDeny(deny({ NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": ["300"] } }))).toBe(true);
  });

  it("ignores allows and denies on other keys", () => {
    expect(isMfaDeny({ ...deny(MFA_ABSENT), Effect: "Allow" })).toBe(false);
    expect(isMfaDeny(deny({ Bool: { "aws:SecureTransport": ["false"] } }))).toBe(false);
    expect(isMfaDeny({ Effect: "Deny", Action: ["*"], Resource: ["*"] })).toBe(false);
  });
});

describe("mfaDenyCatches", () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
  it.each([
    ["ArnNotLike with the exact ARN", { ArnNotLike: { "aws:PrincipalArn": [breakGlass.arn] } }, false],
    [
      "ArnNotLike with a matching wildcard",
      { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:user/b?"] } },
      false,
    ],
    ["ArnNotEquals with the exact ARN", { ArnNotEquals: { "aws:PrincipalArn": [breakGlass.arn] } }, false],
    [
      "ArnNotEquals with a wildcard (no wildcard matching)",
      { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::*:user/bg"] } },
      true,
    ],
    [
      "ArnNotLikeIfExists with the exact ARN",
      { ArnNotLikeIfExists: { "aws:PrincipalArn": [breakGlass.arn] } },
      false,
    ],
    [
      "ArnNotLike with the principal's Terraform reference",
      { ArnNotLike: { "aws:PrincipalArn": ["${aws_iam_user.bg.arn}"] } },
      false,
    ],
    [
      "ArnNotLike with an unknown reference",
      { ArnNotLike: { "aws:PrincipalArn": ["${aws_iam_user.other.arn}"] } },
      true,
    ],
    [
      "ArnNotLike with another user's ARN",
      { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::111122223333:user/bgx"] } },
      true,
    ],
    ["ArnLike limited to roles", { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/*"] } }, false],
    ["ArnLike over all users", { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:user/*"] } }, true],
    [
      "ArnLike with an unknown reference",
      { ArnLike: { "aws:PrincipalArn": ["${aws_iam_role.x.arn}"] } },
      true,
    ],
    ["an exemption on another key", { ArnNotLike: { "aws:SourceArn": [breakGlass.arn] } }, true],
  ] as [string, ConditionBlock, boolean][])("%s → catches: %s", (_name, exemption, catches) => {
    expect(mfaDenyCatches(deny({ ...MFA_ABSENT, ...exemption }), breakGlass)).toBe(catches);
  });

  it("applies resource-policy Principal: '*', the account and the principal catch it; other principals do not", () => {
    expect(mfaDenyCatches(deny(MFA_ABSENT, { Principal: "*" }), breakGlass)).toBe(true);
    expect(mfaDenyCatches(deny(MFA_ABSENT, { Principal: { AWS: ["111122223333"] } }), breakGlass)).toBe(true);
    expect(
      mfaDenyCatches(
        deny(MFA_ABSENT, { Principal: { AWS: ["arn:aws:iam::111122223333:root"] } }),
        breakGlass,
      ),
    ).toBe(true);
    expect(mfaDenyCatches(deny(MFA_ABSENT, { Principal: { AWS: [breakGlass.arn] } }), breakGlass)).toBe(true);
    expect(
      mfaDenyCatches(
        deny(MFA_ABSENT, { Principal: { AWS: ["arn:aws:iam::111122223333:user/alice"] } }),
        breakGlass,
      ),
    ).toBe(false);
    expect(
      mfaDenyCatches(deny(MFA_ABSENT, { Principal: { Service: ["events.amazonaws.com"] } }), breakGlass),
    ).toBe(false);
  });
});

const arnPart = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
const principalArb = fc
  .record({ account: fc.stringMatching(/^\d{12}$/), name: arnPart })
  .map(({ account, name }): GuardedPrincipal => ({
    label: name,
    arn: `arn:aws:iam::${account}:user/${name}`,
    references: [],
    accountId: account,
  }));
const otherArns = fc.array(
  arnPart.map((n) => `arn:aws:iam::000000000000:role/${n}`),
  { maxLength: 4 },
);
const mfaCondition = fc.constantFrom<ConditionBlock>(
  MFA_ABSENT,
  { Bool: { "aws:MultiFactorAuthPresent": ["false"] } },
  { NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": ["300"] } },
);

describe("properties", () => {
  it("listing the principal's ARN in ArnNotLike on aws:PrincipalArn always exempts it, wherever it sits in the list", () => {
    fc.assert(
      fc.property(principalArb, otherArns, fc.nat(), mfaCondition, (p, others, at, condition) => {
        const list = [...others];
        list.splice(at % (list.length + 1), 0, p.arn);
        return !mfaDenyCatches(deny({ ...condition, ArnNotLike: { "aws:PrincipalArn": list } }), p);
      }),
      { numRuns: 500 },
    );
  });

  it("an MFA deny without any aws:PrincipalArn condition catches every principal; adding exemptions for others never helps", () => {
    fc.assert(
      fc.property(principalArb, otherArns, mfaCondition, (p, others, condition) => {
        const bare = mfaDenyCatches(deny(condition), p);
        const othersExempt = mfaDenyCatches(
          deny({ ...condition, ArnNotLike: { "aws:PrincipalArn": others } }),
          p,
        );
        return bare && othersExempt;
      }),
      { numRuns: 500 },
    );
  });

  it("glob matching: a literal pattern matches exactly itself, and '*' in place of any segment still matches", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).filter((s) => !/[*?]/.test(s)),
        fc.string({ maxLength: 30 }),
        (value, other) => {
          expect(globMatches(value, value)).toBe(true);
          expect(globMatches(value, other)).toBe(value === other);
          const cut = Math.floor(value.length / 2);
          expect(globMatches(`${value.slice(0, cut)}*`, value + other)).toBe(
            (value + other).startsWith(value.slice(0, cut)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
