import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["@cdktf/provider-aws", "@cdktf/provider-azuread", "@cdktf/provider-okta"].map((name) => ({
            name,
            message: `Import resources by deep path (${name}/lib/<resource>): the barrel costs seconds and ~850 MB to type-check.`,
          })),
        },
      ],
    },
  },
  {
    files: ["simulator/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["cdktf", "cdktf/*", "constructs", "@cdktf/*"],
              message: "The simulator reads Terraform JSON only (DESIGN.md principle 1).",
            },
          ],
        },
      ],
    },
  },
);
