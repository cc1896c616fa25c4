/** Loading from disk: cdktf.out layout (cdktf lib/manifest.ts), single files, and error messages for bad input. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoadError, loadFile, loadSynthDir } from "./index";

function synthDir(withManifest: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "loader-"));
  for (const name of ["aws-baseline", "okta-baseline"]) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(
      join(dir, "stacks", name, "cdk.tf.json"),
      JSON.stringify({ resource: { t: { [name.split("-")[0]]: { v: name } } } }),
    );
  }
  if (withManifest) {
    const stacks = Object.fromEntries(
      ["aws-baseline", "okta-baseline"].map((n) => [
        n,
        { name: n, synthesizedStackPath: `stacks/${n}/cdk.tf.json`, workingDirectory: `stacks/${n}` },
      ]),
    );
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
  }
  return dir;
}

describe("loadSynthDir", () => {
  it.each([true, false])("loads every stack (manifest.json present: %s)", (withManifest) => {
    const models = loadSynthDir(synthDir(withManifest));
    expect([...models.keys()]).toEqual(["aws-baseline", "okta-baseline"]);
    expect(models.get("okta-baseline")?.resources.get("t.okta")?.values.v).toBe("okta-baseline");
    expect(models.get("aws-baseline")?.resources.get("t.aws")?.location.file).toMatch(
      /stacks\/aws-baseline\/cdk\.tf\.json$/,
    );
  });

  it("loads only the named stacks, and names the available ones for an unknown name", () => {
    const dir = synthDir(true);
    expect([...loadSynthDir(dir, ["okta-baseline"]).keys()]).toEqual(["okta-baseline"]);
    expect(() => loadSynthDir(dir, ["entra-baseline"])).toThrow(
      new LoadError(`${dir}: no stack named "entra-baseline"; available: aws-baseline, okta-baseline`),
    );
  });

  it("rejects a directory that is not synth output", () => {
    const dir = mkdtempSync(join(tmpdir(), "loader-"));
    expect(() => loadSynthDir(dir)).toThrow(
      new LoadError(
        `${dir}: not a synth output directory: it has neither manifest.json nor stacks/<name>/cdk.tf.json`,
      ),
    );
    expect(() => loadSynthDir(join(dir, "nope"))).toThrow(
      new LoadError(`${join(dir, "nope")}: not a directory`),
    );
  });
});

describe("loadFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "loader-"));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("detects cdk.tf.json and names the stack after its folder", () => {
    mkdirSync(join(dir, "okta-baseline"));
    const models = loadFile(write("okta-baseline/cdk.tf.json", '{"resource": {"t": {"x": {"v": 1}}}}'));
    expect([...models.keys()]).toEqual(["okta-baseline"]);
  });

  it("detects plan JSON and names the stack after the file", () => {
    const models = loadFile(
      write("prod.json", '{"format_version": "1.2", "planned_values": {"root_module": {}}}'),
    );
    expect([...models.keys()]).toEqual(["prod"]);
  });

  it("malformed JSON gives file, line and column", () => {
    const p = write("bad.json", '{\n  "resource": {\n    "a": tru\n  }\n}');
    expect(() => loadFile(p)).toThrow(new LoadError(`${p}:3:10: malformed JSON: unexpected "t"`));
    const q = write("trailing.json", '{"a": 1,}');
    expect(() => loadFile(q)).toThrow(
      new LoadError(`${q}:1:9: malformed JSON: expected a double-quoted property name, found "}"`),
    );
    const r = write("short.json", '{"a": [1');
    expect(() => loadFile(r)).toThrow(
      new LoadError(
        `${r}:1:9: malformed JSON: expected ',' or ']' after an array element, found the end of the input`,
      ),
    );
  });

  it("a file that is neither configuration nor plan", () => {
    const p = write("other.json", '{"name": "x"}');
    expect(() => loadFile(p)).toThrow(
      /other\.json: neither Terraform JSON configuration .* nor plan JSON from `terraform show -json`/,
    );
  });

  it("a missing file", () => {
    expect(() => loadFile(join(dir, "missing.json"))).toThrow(
      new LoadError(`${join(dir, "missing.json")}: cannot read the file (ENOENT)`),
    );
  });
});
