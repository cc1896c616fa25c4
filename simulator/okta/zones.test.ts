import { parseOktaContext } from "./context";
import { oktaModel, ref, run, type Blocks } from "./test-fixture";

/** A sign-on policy whose first rule denies inside `zone`, so membership shows as deny vs allow. */
function denyIn(zones: Blocks["okta_network_zone"], zone: string, extra: Blocks = {}) {
  return oktaModel(
    {
      okta_network_zone: zones,
      okta_policy_rule_signon: {
        in_zone: {
          policy_id: ref("data.okta_default_policy.gsp"),
          name: "deny in zone",
          priority: 1,
          access: "DENY",
          network_connection: "ZONE",
          network_includes: [ref(`okta_network_zone.${zone}`)],
        },
      },
      ...extra,
    },
    { okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } },
  );
}

describe("context schema", () => {
  it("rejects unknown keys and values outside the closed enums", () => {
    expect(() => parseOktaContext({ user: { id: "u" }, colour: "blue" })).toThrow(/colour|Unrecognized/);
    expect(() => parseOktaContext({ user: { id: "u" }, risk: "SEVERE" })).toThrow(/risk/);
    expect(() => parseOktaContext({ user: { id: "u" }, device: { jailbroken: true } })).toThrow(/device/);
    expect(() => parseOktaContext({ user: { id: "u" }, ip: "300.1.1.1" })).toThrow(/ip/);
  });

  it("fills defaults: low risk, web entry, a password just entered, an unregistered Windows desktop", () => {
    const c = parseOktaContext({ user: { id: "okta_user.alice" } });
    expect(c.risk).toBe("LOW");
    expect(c.entryPoint).toBe("web");
    expect(c.authenticators).toEqual([{ authenticator: "password", ageSeconds: 0, userVerified: false }]);
    expect(c.device).toMatchObject({ registered: false, managed: false, platform: "DESKTOP", os: "WINDOWS" });
  });
});

// IP zone membership walks the chain from the IP connecting to Okta (rightmost): gateway = in zone,
// proxy of the same zone = look at the previous IP, anything else = not in zone; a single IP must be a
// gateway. Source: https://help.okta.com/oie/en-us/content/topics/security/network/about-ip-zones.htm
// and https://support.okta.com/help/s/article/How-is-Okta-evaluating-my-IP-address-while-using-an-IP-Zone-in-a-policy
describe("IP zones: the IP chain walk", () => {
  const model = denyIn(
    {
      office: {
        name: "Office",
        type: "IP",
        gateways: ["203.0.113.0/24"],
        proxies: ["198.51.100.10-198.51.100.20"],
      },
      other: { name: "Other", type: "IP", proxies: ["192.0.2.50/32"] },
    },
    "office",
  );
  const outcome = (ip: string, forwardedFor: string[] = []) =>
    run(model, { ip, forwardedFor }).verdict.outcome;

  it("a single IP that is a gateway is in the zone", () => expect(outcome("203.0.113.7")).toBe("deny"));
  it("a single IP that is only a proxy is not", () => expect(outcome("198.51.100.15")).toBe("allow"));
  it("a proxy of the zone in front of a gateway client is in the zone", () =>
    expect(outcome("198.51.100.15", ["203.0.113.7"])).toBe("deny"));
  it("a proxy of the zone in front of an outside client is not", () =>
    expect(outcome("198.51.100.15", ["192.0.2.99"])).toBe("allow"));
  it("a proxy of another zone does not lead to the gateway", () =>
    expect(outcome("192.0.2.50", ["203.0.113.7"])).toBe("allow"));
  it("a gateway connecting with anything before it is in the zone", () =>
    expect(outcome("203.0.113.7", ["192.0.2.99"])).toBe("deny"));
  it("stops after five IPs", () => {
    expect(outcome("198.51.100.15", ["203.0.113.7", "198.51.100.11", "198.51.100.12", "198.51.100.13"])).toBe(
      "deny",
    );
    expect(
      outcome("198.51.100.15", [
        "203.0.113.7",
        "198.51.100.11",
        "198.51.100.12",
        "198.51.100.13",
        "198.51.100.14",
      ]),
    ).toBe("allow");
  });
  it("IPv4-mapped IPv6 addresses count as IPv4", () => expect(outcome("::ffff:203.0.113.7")).toBe("deny"));
  it("without an IP the request is in no IP zone", () =>
    expect(run(model, {}).verdict.outcome).toBe("allow"));
});

// Dynamic zones: "When the location isn't defined, all locations are considered to be within that
// dynamic zone" — https://help.okta.com/oie/en-us/content/topics/security/network/about-dynamic-zones.htm
// Open point 7, decided: location, ASN and proxy type are ANDed within one zone.
describe("dynamic zones", () => {
  const model = denyIn(
    {
      risky: { name: "Risky", type: "DYNAMIC", dynamic_locations: ["RU", "US-TX"], asns: ["64500"] },
      tor: { name: "Tor", type: "DYNAMIC", dynamic_proxy_type: "TorAnonymizer" },
    },
    "risky",
  );
  it("needs every listed criterion", () => {
    expect(run(model, { country: "RU", asn: 64500 }).verdict.outcome).toBe("deny");
    expect(run(model, { country: "RU", asn: 64501 }).verdict.outcome).toBe("allow");
    expect(run(model, { country: "RU" }).verdict.outcome).toBe("allow");
  });
  it("matches a subdivision by its ISO 3166-2 code", () => {
    expect(run(model, { country: "US", region: "US-TX", asn: 64500 }).verdict.outcome).toBe("deny");
    expect(run(model, { country: "US", region: "US-CA", asn: 64500 }).verdict.outcome).toBe("allow");
  });
  it("a zone with only a proxy type covers every location", () => {
    const tor = denyIn({ tor: { name: "Tor", type: "DYNAMIC", dynamic_proxy_type: "TorAnonymizer" } }, "tor");
    expect(run(tor, { country: "DE", anonymizer: "tor" }).verdict.outcome).toBe("deny");
    expect(run(tor, { country: "DE", anonymizer: "anonymizing-proxy" }).verdict.outcome).toBe("allow");
  });
  it("an inactive zone contains nothing (open point 3)", () => {
    const inactive = denyIn(
      { z: { name: "Z", type: "DYNAMIC", dynamic_locations: ["RU"], status: "INACTIVE" } },
      "z",
    );
    expect(run(inactive, { country: "RU" }).verdict.outcome).toBe("allow");
  });
  it("a zone outside the configuration needs the context to state membership", () => {
    const m = oktaModel(
      {
        okta_policy_rule_signon: {
          r: {
            policy_id: ref("data.okta_default_policy.gsp"),
            name: "r",
            priority: 1,
            access: "DENY",
            network_connection: "ZONE",
            network_includes: ["nzo1legacy0000000000"],
          },
        },
      },
      { okta_default_policy: { gsp: { type: "OKTA_SIGN_ON" } } },
    );
    const unknown = run(m, {});
    expect(unknown.verdict.outcome).toBe("indeterminate");
    expect(unknown.verdict.indeterminate?.[0]).toMatch(/nzo1legacy0000000000/);
    expect(run(m, { zones: { nzo1legacy0000000000: true } }).verdict.outcome).toBe("deny");
  });
});

// "Okta blocks these requests before any type of policy evaluation occurs"
// https://help.okta.com/oie/en-us/Content/Topics/security/healthinsight/blocklist-network-zone.htm ;
// exempt zone: https://help.okta.com/oie/en-us/content/topics/security/network/about-ip-exempt-zone.htm
describe("blocklisted zones", () => {
  const model = oktaModel({
    okta_network_zone: {
      blocked_countries: {
        name: "Blocked countries",
        type: "DYNAMIC",
        usage: "BLOCKLIST",
        dynamic_locations: ["KP", "IR"],
      },
      bad_ips: { name: "Bad IPs", type: "IP", usage: "BLOCKLIST", gateways: ["192.0.2.0/24"] },
      exempt: { name: "DefaultExemptIpZone", type: "IP", gateways: ["192.0.2.7/32"] },
      off: { name: "Off", type: "IP", usage: "BLOCKLIST", status: "INACTIVE", gateways: ["198.51.100.0/24"] },
    },
  });
  it("blocks a blocked country before any policy", () => {
    const d = run(model, { country: "KP" });
    expect(d.verdict.outcome).toBe("deny");
    expect(d.blockedBy).toBe("okta_network_zone.blocked_countries");
    expect(d.globalSession).toBeUndefined();
  });
  it("blocks when any IP of the chain is blocklisted, unless every such IP is exempt", () => {
    expect(run(model, { ip: "203.0.113.1", forwardedFor: ["192.0.2.9"] }).blockedBy).toBe(
      "okta_network_zone.bad_ips",
    );
    expect(run(model, { ip: "192.0.2.7" }).verdict.outcome).toBe("allow");
    expect(run(model, { ip: "192.0.2.7", forwardedFor: ["192.0.2.8"] }).verdict.outcome).toBe("deny");
  });
  it("ignores inactive blocklists", () =>
    expect(run(model, { ip: "198.51.100.1" }).verdict.outcome).toBe("allow"));
});

// ThreatInsight: none / audit / block; "IPs in the excluded Network Zones aren't logged or blocked"
// https://help.okta.com/en-us/content/topics/security/threat-insight/configure-threatinsight.htm
describe("ThreatInsight", () => {
  const withAction = (action: string) =>
    oktaModel({
      okta_network_zone: { office: { name: "Office", type: "IP", gateways: ["203.0.113.0/24"] } },
      okta_threat_insight_settings: { ti: { action, network_excludes: [ref("okta_network_zone.office")] } },
    });
  it("block denies a suspicious IP before policies", () => {
    const d = run(withAction("block"), { ip: "192.0.2.1", threatSuspected: true });
    expect(d.verdict.outcome).toBe("deny");
    expect(d.blockedBy).toBe("okta_threat_insight_settings.ti");
  });
  it("excluded zones pass to the policies", () =>
    expect(run(withAction("block"), { ip: "203.0.113.5", threatSuspected: true }).verdict.outcome).toBe(
      "allow",
    ));
  it("audit only logs", () => {
    const d = run(withAction("audit"), { ip: "192.0.2.1", threatSuspected: true });
    expect(d.verdict.outcome).toBe("allow");
    expect(d.threatLogged).toBe(true);
  });
  it("none does nothing", () =>
    expect(run(withAction("none"), { ip: "192.0.2.1", threatSuspected: true }).verdict.outcome).toBe(
      "allow",
    ));
  it("a suspicious IP without ThreatInsight settings in the configuration is indeterminate", () => {
    expect(run(oktaModel({}), { threatSuspected: true }).verdict.outcome).toBe("indeterminate");
  });
});
