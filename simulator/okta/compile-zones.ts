/** Network zones and behaviours of the Okta configuration. Sources: terraform-provider-okta docs/resources/network_zone.md and behavior.md. */
import type { TfResource } from "../terraform/model";
import { Reader } from "../terraform/read";
import { attempt, oneOf, status } from "./compile-read";
import type { OktaBehaviorKind } from "./context";
import { type IpRange, parseIpRange } from "./ip";
import { type Behavior, type DynamicZone, type IpZone, isUnreadable, type Maybe, type Zone } from "./model";

// ---------------------------------------------------------------------------------------------------
// Zones

const TOR_PROXY = "TorAnonymizer";
const NOT_TOR_PROXY = "NotTorAnonymizer";

function ranges(r: Reader, key: string): IpRange[] {
  return r.strings(key).map((text, i) => {
    try {
      return parseIpRange(text);
    } catch {
      return r.fail(`${key}[${i}]`, `"${text}" is not an IP address, CIDR or range`);
    }
  });
}

/** Source: terraform-provider-okta docs/resources/network_zone.md; help "about-ip-zones", "about-dynamic-zones", "about-enhanced-dynamic-zones". */
export function compileZone(res: TfResource): Zone {
  const r = Reader.of(res);
  const name = attempt(() => r.string("name") ?? res.name);
  const nameText = isUnreadable(name) ? res.name : name;
  const head = attempt(() => ({
    active: status(r),
    usage: oneOf(r, "usage", ["POLICY", "BLOCKLIST"] as const, "POLICY"),
    exempt: r.bool("set_usage_as_exempt_list") === true || nameText === "DefaultExemptIpZone",
  }));
  if (isUnreadable(head))
    return {
      key: res.address,
      name: nameText,
      active: true,
      usage: head,
      exempt: false,
      external: false,
      def: head,
    };
  const def = attempt((): IpZone | DynamicZone => {
    const type = oneOf(r, "type", ["IP", "DYNAMIC", "DYNAMIC_V2"] as const, "IP");
    if (type === "IP") return { kind: "ip", gateways: ranges(r, "gateways"), proxies: ranges(r, "proxies") };
    const proxy = r.string("dynamic_proxy_type");
    if (proxy !== undefined && proxy !== "Any" && proxy !== TOR_PROXY && proxy !== NOT_TOR_PROXY) {
      r.fail(
        "dynamic_proxy_type",
        `unknown value "${proxy}"; expected Any, TorAnonymizer or NotTorAnonymizer`,
      );
    }
    const asns = r.strings("asns").map((a, i) => {
      const n = Number(a);
      return Number.isInteger(n) && n >= 0 ? n : r.fail(`asns[${i}]`, `"${a}" is not an ASN`);
    });
    return {
      kind: "dynamic",
      locations: r.strings("dynamic_locations"),
      locationsExcluded: r.strings("dynamic_locations_exclude"),
      asns,
      proxyType: proxy === TOR_PROXY || proxy === NOT_TOR_PROXY ? proxy : undefined,
      categoriesIncluded: type === "DYNAMIC_V2" ? r.strings("ip_service_categories_include") : [],
      categoriesExcluded: type === "DYNAMIC_V2" ? r.strings("ip_service_categories_exclude") : [],
    };
  });
  return { key: res.address, name: nameText, ...head, external: false, def };
}

export function externalZone(res: TfResource): Zone {
  const name = attempt(() => Reader.of(res).string("name"));
  const n = isUnreadable(name) || name === undefined ? res.address : name;
  return {
    key: res.address,
    name: n,
    active: true,
    usage: "POLICY",
    exempt: n === "DefaultExemptIpZone",
    external: true,
    def: { unreadable: external(res, "; state membership in the context's zones") },
  };
}

export function external(res: TfResource, hint = ""): string {
  return `${res.location.stack}: ${res.address}: defined outside this configuration${hint}`;
}

// ---------------------------------------------------------------------------------------------------
// Behaviours

/** Built-in behaviour names (help "type-behavior-detection"). */
const BUILT_IN_BEHAVIORS: Readonly<Record<string, OktaBehaviorKind>> = {
  "New City": "new-city",
  "New State": "new-state",
  "New Country": "new-country",
  "New Geo-Location": "new-geo-location",
  "New Device": "new-device",
  "New IP": "new-ip",
  Velocity: "velocity",
};

const LOCATION_KINDS: Readonly<Record<string, OktaBehaviorKind>> = {
  CITY: "new-city",
  SUBDIVISION: "new-state",
  COUNTRY: "new-country",
  LAT_LONG: "new-geo-location",
};

export function compileBehavior(res: TfResource): Behavior {
  const r = Reader.of(res);
  const name = attempt(() => r.string("name"));
  const nameText = isUnreadable(name) ? undefined : name;
  if (res.mode === "data") {
    const kind: Maybe<OktaBehaviorKind> =
      nameText !== undefined && BUILT_IN_BEHAVIORS[nameText]
        ? BUILT_IN_BEHAVIORS[nameText]
        : {
            unreadable: `${res.location.stack}: ${res.address} name: not a built-in behaviour name (${Object.keys(BUILT_IN_BEHAVIORS).join(", ")})`,
          };
    return { key: res.address, name: nameText, kind, active: true };
  }
  const active = attempt(() => status(r));
  const kind = attempt((): OktaBehaviorKind => {
    const type = oneOf(
      r,
      "type",
      ["ANOMALOUS_LOCATION", "ANOMALOUS_DEVICE", "ANOMALOUS_IP", "VELOCITY"] as const,
      "ANOMALOUS_LOCATION",
    );
    if (type === "ANOMALOUS_DEVICE") return "new-device";
    if (type === "ANOMALOUS_IP") return "new-ip";
    if (type === "VELOCITY") return "velocity";
    const g = oneOf(
      r,
      "location_granularity_type",
      ["LAT_LONG", "CITY", "COUNTRY", "SUBDIVISION"] as const,
      "LAT_LONG",
    );
    return LOCATION_KINDS[g];
  });
  return {
    key: res.address,
    name: nameText,
    kind: isUnreadable(active) ? active : kind,
    active: isUnreadable(active) ? true : active,
  };
}
