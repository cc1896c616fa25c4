import { parseEntraContext } from "./context";

describe("Entra sign-in context", () => {
  // Defaults per https://learn.microsoft.com/graph/api/resources/signinconditions (risks default to none) (R13, R25)
  test("short contexts get documented defaults", () => {
    const c = parseEntraContext({ user: { id: "azuread_user.alice" }, application: "app" });
    expect(c).toMatchObject({
      clientApp: "browser",
      platform: "windows",
      signInRisk: "none",
      userRisk: "none",
      insiderRisk: "none",
      satisfied: { methods: ["password"] },
      user: { type: "member", groups: [], roles: [] },
    });
    expect(c.authenticationFlow).toBeUndefined();
  });

  test("unknown keys and enum values are errors", () => {
    expect(() => parseEntraContext({ user: { id: "u" }, application: "a", colour: "red" })).toThrow(/colour/);
    expect(() => parseEntraContext({ user: { id: "u", nickname: "x" }, application: "a" })).toThrow(
      /nickname/,
    );
    expect(() => parseEntraContext({ user: { id: "u" }, application: "a", signInRisk: "severe" })).toThrow(
      /signInRisk/,
    );
    expect(() =>
      parseEntraContext({ user: { id: "u" }, application: "a", satisfied: { methods: ["carrierPigeon"] } }),
    ).toThrow(/methods/);
  });

  test("exactly one principal and one target", () => {
    expect(() => parseEntraContext({ application: "a" })).toThrow(/exactly one of user and servicePrincipal/);
    expect(() =>
      parseEntraContext({ user: { id: "u" }, servicePrincipal: { id: "s" }, application: "a" }),
    ).toThrow(/exactly one of user/);
    expect(() => parseEntraContext({ user: { id: "u" } })).toThrow(
      /exactly one of application and userAction/,
    );
    expect(() =>
      parseEntraContext({ user: { id: "u" }, application: "a", userAction: "urn:user:registerdevice" }),
    ).toThrow(/exactly one of application/);
  });

  test("contradictions are errors", () => {
    expect(() =>
      parseEntraContext({
        user: { id: "u" },
        application: "a",
        device: { registered: false, isCompliant: true },
      }),
    ).toThrow(/unregistered/);
    expect(() =>
      parseEntraContext({
        user: { id: "u" },
        application: "a",
        device: { isCompliant: false },
        satisfied: { compliantDevice: true },
      }),
    ).toThrow(/contradicts device.isCompliant/);
    expect(() =>
      parseEntraContext({ user: { id: "u", type: "member", guestKind: "internalGuest" }, application: "a" }),
    ).toThrow(/user type guest/);
  });
});
