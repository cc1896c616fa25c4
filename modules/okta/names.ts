/** A construct ID from a display name: "Deny blocked countries" → "deny-blocked-countries". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
