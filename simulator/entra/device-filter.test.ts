// Rule language and behaviour table: https://learn.microsoft.com/entra/identity/conditional-access/concept-condition-filters-for-devices (R15)
import {
  DeviceFilterSyntaxError,
  matchDeviceFilter,
  parseDeviceFilter,
  type DeviceFacts,
} from "./device-filter";

const facts =
  (values: Record<string, string | string[]>): DeviceFacts =>
  (p) => {
    const v = values[p];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.map((s) => s.toLowerCase()) : v.toLowerCase();
  };
const unregistered: DeviceFacts = () => null;
const matches = (rule: string, f: DeviceFacts) => matchDeviceFilter(parseDeviceFilter(rule), f);

describe("device filter rule language", () => {
  test("operators on strings, case-insensitively", () => {
    const f = facts({ model: "Surface Laptop 5", operatingSystem: "Windows", trustType: "ServerAD" });
    expect(matches('device.model -startsWith "surface"', f)).toBe(true);
    expect(matches('device.model -endsWith "5"', f)).toBe(true);
    expect(matches('device.model -contains "Laptop"', f)).toBe(true);
    expect(matches('device.model -notContains "Laptop"', f)).toBe(false);
    expect(matches("device.trustType -eq 'ServerAD'", f)).toBe(true);
    expect(matches('device.trustType -in ["AzureAD", "ServerAD"]', f)).toBe(true);
    expect(matches("device.trustType -notIn 'ServerAD, Workplace'", f)).toBe(false);
    expect(matches('device.operatingSystem -ne "Windows"', f)).toBe(false);
  });

  test("-and binds tighter than -or; parentheses and -not", () => {
    const f = facts({ model: "a", manufacturer: "b" });
    expect(matches('device.model -eq "x" -and device.model -eq "y" -or device.manufacturer -eq "b"', f)).toBe(
      true,
    );
    expect(
      matches('device.model -eq "x" -and (device.model -eq "y" -or device.manufacturer -eq "b")', f),
    ).toBe(false);
    expect(matches('-not (device.model -eq "x")', f)).toBe(true);
  });

  test("collections: -contains matches whole elements", () => {
    const f = facts({ systemLabels: ["M365Managed", "MultiUser"], physicalIds: ["[ZTDId]:abc"] });
    expect(matches('device.systemLabels -contains "M365Managed"', f)).toBe(true);
    expect(matches('device.systemLabels -contains "M365"', f)).toBe(false);
    expect(matches('device.devicePhysicalIDs -contains "[ZTDId]:abc"', f)).toBe(true);
  });

  test("isCompliant compares to True/False", () => {
    expect(matches('device.isCompliant -eq "True"', facts({ isCompliant: "true" }))).toBe(true);
    expect(matches("device.isCompliant -eq True", facts({ isCompliant: "false" }))).toBe(false);
  });

  test("unregistered devices: positive operators do not match, negative operators do (behaviour table)", () => {
    for (const op of ["-eq", "-startsWith", "-endsWith", "-contains"])
      expect(matches(`device.model ${op} "x"`, unregistered)).toBe(false);
    expect(matches('device.model -in ["x"]', unregistered)).toBe(false);
    for (const op of ["-ne", "-notStartsWith", "-notEndsWith", "-notContains"])
      expect(matches(`device.model ${op} "x"`, unregistered)).toBe(true);
    expect(matches('device.model -notIn ["x"]', unregistered)).toBe(true);
  });

  test("anything outside the language is a syntax error with its position", () => {
    expect(() => parseDeviceFilter('device.colour -eq "red"')).toThrow(DeviceFilterSyntaxError);
    expect(() => parseDeviceFilter('device.model -like "x"')).toThrow(/expected one of -eq/);
    expect(() => parseDeviceFilter('device.model -eq "x')).toThrow(/unterminated string/);
    expect(() => parseDeviceFilter('device.model -eq "x")')).toThrow(/unexpected text at character 21/);
    expect(() => parseDeviceFilter('device.systemLabels -eq "x"')).toThrow(/only -contains/);
    expect(() => parseDeviceFilter('device.model -eq ["x"]')).toThrow(/list is only allowed/);
  });
});
