#!/usr/bin/env python3
"""Tests for tools/tap-schema.py on a tiny hand-made schema dump.

Run with either of:
  python3 tools/test_tap_schema.py
  python3 -m pytest tools/test_tap_schema.py
"""

import contextlib
import copy
import gzip
import hashlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "tap-schema.py")

_spec = importlib.util.spec_from_file_location("tap_schema", TOOL)
tap_schema = importlib.util.module_from_spec(_spec)
sys.dont_write_bytecode = True
_spec.loader.exec_module(tap_schema)

AWS = "registry.terraform.io/hashicorp/aws"


def fixture_dump():
    """A small dump in `terraform providers schema -json` layout."""
    doc = {"description": "documentation only", "description_kind": "plain"}
    return {
        "format_version": "1.0",
        "x_meta": {"provider": AWS, "provider_version": "9.9.9"},
        "provider_schemas": {
            AWS: {
                "provider": {
                    "version": 0,
                    "block": dict(doc, attributes={
                        "region": dict(doc, type="string", optional=True),
                    }, x_cdktf={"class": "AwsProvider"}),
                },
                "resource_schemas": {
                    "aws_vpc": {
                        "version": 1,
                        "block": dict(doc, attributes={
                            "cidr_block": dict(doc, type="string", optional=True, computed=True),
                            "id": {"type": "string", "computed": True},
                            "tags": {"type": ["map", "string"], "optional": True},
                        }, block_types={}),
                    },
                    "aws_security_group": {
                        "version": 1,
                        "block": dict(doc, attributes={
                            # attributes *named* like schema keys must survive
                            "description": dict(doc, type="string", optional=True),
                            "type": {"type": "string", "optional": True},
                            "ingress": {
                                "optional": True,
                                "nested_type": {"nesting_mode": "set", "attributes": {
                                    "from_port": dict(doc, type="number", required=True),
                                    "description": {"type": "string", "optional": True},
                                }},
                            },
                            "name": {"type": "string", "required": True, "sensitive": False},
                        }, block_types={
                            "timeouts": dict(doc, nesting_mode="single", x_maybe_attribute=True,
                                             block={"attributes": {
                                                 "create": {"type": "string", "optional": True},
                                             }}),
                        }),
                    },
                    "aws_subnet": {
                        "version": 0,
                        "block": {"attributes": {
                            "vpc_id": {"type": "string", "required": True},
                            "anything": {"type": "dynamic", "optional": True,
                                         "x_cdktf_any": True},
                        }, "block_types": {
                            "rule": {"nesting_mode": "list", "min_items": 1, "max_items": 2,
                                     "block": {"attributes": {
                                         "x": {"type": "string", "required": True}}}},
                        }},
                    },
                    "aws_unlisted": {"version": 0, "block": {"attributes": {}}},
                },
                "data_source_schemas": {
                    "aws_region": {"version": 0, "block": {"attributes": {
                        "name": dict(doc, type="string", computed=True)}}},
                    "aws_vpcs": {"version": 0, "block": {"attributes": {
                        "ids": {"type": ["list", "string"], "computed": True}}}},
                },
            },
            "registry.terraform.io/hashicorp/random": {
                "provider": {"version": 0, "block": {}},
                "resource_schemas": {}, "data_source_schemas": {},
            },
        },
    }


TYPES = """\
# test types
resource aws_vpc
resource aws_security_group   # trailing comment
resource aws_subnet

data aws_region
"""


class ToolTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.dump = self.write("dump.json.gz", fixture_dump(), gz=True)
        self.types = self.write_text("types.txt", TYPES)
        self.out = os.path.join(self.dir, "schema", "9.9.9.json")

    def tearDown(self):
        self._tmp.cleanup()

    # helpers -------------------------------------------------------------

    def write(self, name, obj, gz=False):
        path = os.path.join(self.dir, name)
        data = json.dumps(obj).encode()
        with open(path, "wb") as f:
            f.write(gzip.compress(data) if gz else data)
        return path

    def write_text(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_tool(self, *argv):
        """Run main() in-process; return (exit code, stdout, stderr)."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = tap_schema.main(list(argv))
        return rc, out.getvalue(), err.getvalue()

    def gen_args(self, cmd, dump=None, types=None, out=None, *extra):
        return (cmd, "--from", dump or self.dump, "--types", types or self.types,
                "--out", out or self.out) + extra

    def extract(self, **kw):
        rc, out, err = self.run_tool(*self.gen_args("extract", **kw))
        self.assertEqual(rc, 0, err)
        with open(kw.get("out") or self.out, "rb") as f:
            return f.read()

    # tests ---------------------------------------------------------------

    def test_help(self):
        r = subprocess.run([sys.executable, TOOL, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        for cmd in ("extract", "check", "diff"):
            self.assertIn(cmd, r.stdout)

    def test_layout_and_trimming(self):
        data = json.loads(self.extract())
        self.assertEqual(data["format_version"], "1.0")
        self.assertEqual(data["x_tap"], {"provider": AWS, "provider_version": "9.9.9",
                                         "source": "dump.json.gz"})
        self.assertNotIn("x_meta", data)
        self.assertEqual(list(data["provider_schemas"]), [AWS])
        p = data["provider_schemas"][AWS]
        self.assertEqual(sorted(p["resource_schemas"]),
                         ["aws_security_group", "aws_subnet", "aws_vpc"])
        self.assertEqual(sorted(p["data_source_schemas"]), ["aws_region"])
        # provider config kept, documentation and provenance dropped
        self.assertEqual(p["provider"], {"version": 0, "block": {"attributes": {
            "region": {"type": "string", "optional": True}}}})
        sg = p["resource_schemas"]["aws_security_group"]["block"]
        self.assertNotIn("description", sg)
        self.assertNotIn("description_kind", sg)
        # attributes named `description` / `type` are data, not documentation
        self.assertEqual(sg["attributes"]["description"], {"type": "string", "optional": True})
        self.assertEqual(sg["attributes"]["type"], {"type": "string", "optional": True})
        self.assertEqual(sg["attributes"]["ingress"]["nested_type"]["attributes"]["from_port"],
                         {"type": "number", "required": True})
        self.assertIn("description", sg["attributes"]["ingress"]["nested_type"]["attributes"])
        self.assertEqual(sg["attributes"]["name"]["sensitive"], False)
        # fact-carrying x_ keys survive
        self.assertEqual(sg["block_types"]["timeouts"],
                         {"nesting_mode": "single", "x_maybe_attribute": True,
                          "block": {"attributes": {"create": {"type": "string",
                                                              "optional": True}}}})
        sub = p["resource_schemas"]["aws_subnet"]["block"]
        self.assertTrue(sub["attributes"]["anything"]["x_cdktf_any"])
        self.assertEqual((sub["block_types"]["rule"]["min_items"],
                          sub["block_types"]["rule"]["max_items"]), (1, 2))
        self.assertEqual(p["resource_schemas"]["aws_vpc"]["version"], 1)
        text = json.dumps(data)
        self.assertNotIn("description_kind", text)
        self.assertNotIn("x_cdktf\"", text)

    def test_deterministic(self):
        first = self.extract()
        second = self.extract()
        self.assertEqual(hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest())
        self.assertTrue(first.endswith(b"}\n"))
        # plain (not gzipped) input with keys in another order gives the same bytes
        shuffled = json.loads(json.dumps(fixture_dump()),
                              object_pairs_hook=lambda kv: dict(reversed(kv)))
        os.makedirs(os.path.join(self.dir, "other"))
        # same basename (it is recorded in x_tap.source), but plain JSON
        plain_path = self.write(os.path.join("other", "dump.json.gz"), shuffled)
        third = self.extract(dump=plain_path, out=os.path.join(self.dir, "again.json"))
        self.assertEqual(first, third)
        self.assertEqual(first, tap_schema.render(json.loads(first)).encode())

    def test_unknown_type_suggests(self):
        types = self.write_text("bad.txt", "resource aws_vcp\ndata aws_vpc\n")
        rc, out, err = self.run_tool(*self.gen_args("extract", types=types))
        self.assertEqual(rc, 2)
        self.assertIn("aws_vcp", err)
        self.assertIn("did you mean `resource aws_vpc`", err)
        self.assertIn("exists as a resource: `resource aws_vpc`; similar data sources: "
                      "`data aws_vpcs`", err)
        self.assertFalse(os.path.exists(self.out))

    def test_type_in_other_kind_is_pointed_out(self):
        # aws_vpcs is also a close match for a resource (aws_vpc); the exact
        # name under the other kind wins
        types = self.write_text("bad.txt", "resource aws_vpcs\n")
        rc, _, err = self.run_tool(*self.gen_args("extract", types=types))
        self.assertEqual(rc, 2)
        self.assertIn("exists as a data source: `data aws_vpcs`", err)

    def test_bad_types_file_lines(self):
        types = self.write_text("bad.txt", "resources aws_vpc\nresource aws_vpc\nresource aws_vpc\n")
        rc, _, err = self.run_tool(*self.gen_args("extract", types=types))
        self.assertEqual(rc, 2)
        self.assertIn(":1:", err)
        self.assertIn("duplicate", err)

    def test_missing_provider_lists_available(self):
        rc, _, err = self.run_tool(*self.gen_args("extract") + (
            "--provider", "registry.terraform.io/hashicorp/awz"))
        self.assertEqual(rc, 2)
        self.assertIn(AWS, err)
        self.assertIn("registry.terraform.io/hashicorp/random", err)

    def test_version_needed_without_x_meta(self):
        dump = fixture_dump()
        del dump["x_meta"]
        path = self.write("tf.json", dump)
        rc, _, err = self.run_tool(*self.gen_args("extract", dump=path))
        self.assertEqual(rc, 2)
        self.assertIn("--provider-version", err)
        rc, _, err = self.run_tool(*self.gen_args("extract", dump=path) + (
            "--provider-version", "9.9.9"))
        self.assertEqual(rc, 0, err)
        with open(self.out) as f:
            self.assertEqual(json.load(f)["x_tap"]["provider_version"], "9.9.9")

    def test_check_ok_and_drift(self):
        self.extract()
        rc, out, _ = self.run_tool(*self.gen_args("check"))
        self.assertEqual(rc, 0, out)
        # hand-edit the checked-in file: drift
        with open(self.out) as f:
            data = json.load(f)
        data["provider_schemas"][AWS]["resource_schemas"]["aws_vpc"]["block"]["attributes"][
            "cidr_block"]["required"] = True
        with open(self.out, "w") as f:
            f.write(tap_schema.render(data))
        rc, out, _ = self.run_tool(*self.gen_args("check"))
        self.assertEqual(rc, 1)
        self.assertIn("DRIFT", out)
        self.assertIn("differs:           resource aws_vpc", out)
        self.assertIn("@@", out)
        # types file gains an entry: drift again, naming the type
        self.extract()
        types = self.write_text("more.txt", TYPES + "data aws_vpcs\n")
        rc, out, _ = self.run_tool(*self.gen_args("check", types=types))
        self.assertEqual(rc, 1)
        self.assertIn("missing from file: data aws_vpcs", out)
        # missing file
        os.remove(self.out)
        rc, out, _ = self.run_tool(*self.gen_args("check"))
        self.assertEqual(rc, 1)

    def test_check_exit_code_via_subprocess(self):
        self.extract()
        with open(self.out, "a") as f:
            f.write(" ")
        r = subprocess.run([sys.executable, TOOL] + list(self.gen_args("check")),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)

    def test_diff_summary(self):
        old_path = os.path.join(self.dir, "old.json")
        self.extract(out=old_path)
        newer = fixture_dump()
        newer["x_meta"]["provider_version"] = "9.10.0"
        res = newer["provider_schemas"][AWS]["resource_schemas"]
        vpc = res["aws_vpc"]["block"]["attributes"]
        del vpc["tags"]                                    # attribute removed
        vpc["cidr_block"] = {"type": "string", "required": True}   # optional+computed -> required
        vpc["ipv6"] = {"type": "bool", "optional": True}   # attribute added
        res["aws_subnet"]["block"]["block_types"]["rule"]["nesting_mode"] = "set"
        res["aws_security_group"]["block"]["attributes"]["ingress"]["nested_type"][
            "attributes"]["to_port"] = {"type": "number", "required": True}
        dump = self.write("new.json", newer)
        types = self.write_text("new_types.txt", TYPES.replace("resource aws_subnet\n", "")
                                + "data aws_vpcs\nresource aws_unlisted\n")
        new_path = os.path.join(self.dir, "9.10.0.json")
        self.extract(dump=dump, types=types, out=new_path)
        # put aws_subnet back by hand so its nesting change is visible
        with open(new_path) as f:
            new_doc = json.load(f)
        full, _ = tap_schema.build(newer, [("resource", "aws_subnet", 1)], AWS, None, "new.json")
        new_doc["provider_schemas"][AWS]["resource_schemas"]["aws_subnet"] = \
            full["provider_schemas"][AWS]["resource_schemas"]["aws_subnet"]
        with open(new_path, "w") as f:
            f.write(tap_schema.render(new_doc))

        rc, out, _ = self.run_tool("diff", "--old", old_path, "--new", new_path)
        self.assertEqual(rc, 0)
        self.assertIn("9.9.9 -> 9.10.0", out)
        self.assertIn("+ data aws_vpcs", out)
        self.assertIn("+ resource aws_unlisted", out)
        self.assertIn("~ resource aws_vpc", out)
        self.assertIn("- attribute tags", out)
        self.assertIn("+ attribute ipv6 (\"bool\", optional)", out)
        self.assertIn("~ attribute cidr_block: optional+computed -> required", out)
        self.assertIn("~ block rule: list, 1..2 -> set, 1..2", out)
        self.assertIn("+ attribute ingress.to_port", out)
        self.assertNotIn("aws_region", out)
        self.assertIn("summary: 2 added, 0 removed, 3 changed", out)
        rc, _, _ = self.run_tool("diff", "--old", old_path, "--new", new_path, "--exit-code")
        self.assertEqual(rc, 1)
        rc, out, _ = self.run_tool("diff", "--old", old_path, "--new", old_path, "--exit-code")
        self.assertEqual(rc, 0)
        self.assertIn("summary: 0 added, 0 removed, 0 changed", out)

    def test_diff_removed_type_and_attribute_to_block(self):
        old = tap_schema.build(fixture_dump(), [("resource", "aws_vpc", 1),
                                                ("data", "aws_region", 2)],
                               AWS, None, "d")[0]
        new = copy.deepcopy(old)
        p = new["provider_schemas"][AWS]
        del p["data_source_schemas"]["aws_region"]
        attrs = p["resource_schemas"]["aws_vpc"]["block"]["attributes"]
        del attrs["tags"]
        p["resource_schemas"]["aws_vpc"]["block"]["block_types"]["tags"] = {
            "nesting_mode": "list", "block": {}}
        text = "\n".join(tap_schema.diff_docs(old, new))
        self.assertIn("- data aws_region", text)
        self.assertIn("~ tags: attribute -> block", text)



# --------------------------------------------------------------------------
# fetch: a stand-in `terraform` replaces the real one (not installed in tests)

FIXTURES = os.path.join(HERE, "fixtures")
K8S_FIXTURE = os.path.join(FIXTURES, "kubernetes-mini.json")
HELM_FIXTURE = os.path.join(FIXTURES, "helm-mini.json")
K8S = "registry.terraform.io/hashicorp/kubernetes"
HELM = "registry.terraform.io/hashicorp/helm"

# The stand-in.  Environment:
#   FAKE_TF_LOG     file; one JSON line per call: argv, cwd, the TF_ variables
#   FAKE_TF_SCHEMA  fixture files (os.pathsep-separated) whose provider_schemas
#                   are merged and printed by `providers schema -json`
#   FAKE_TF_FAIL    `init` or `schema`: that step fails (exit 1)
#   FAKE_TF_RAW     file printed as-is by `providers schema -json`
#   FAKE_TF_LOCK    JSON {provider address: version} written to the lock file
STAND_IN = r"""
import json, os, shutil, sys

args = sys.argv[1:]
log = os.environ["FAKE_TF_LOG"]
with open(log, "a") as f:
    f.write(json.dumps({"argv": args, "cwd": os.getcwd(),
                        "env": {k: v for k, v in os.environ.items()
                                if k in ("TF_IN_AUTOMATION", "CHECKPOINT_DISABLE")}}) + "\n")
fail = os.environ.get("FAKE_TF_FAIL")
if args[:1] == ["init"]:
    if not os.path.isfile("main.tf.json"):
        sys.exit("stand-in: no main.tf.json in " + os.getcwd())
    shutil.copy("main.tf.json", os.path.join(os.path.dirname(log), "main.tf.json"))
    if fail == "init":
        sys.stderr.write("Error: Failed to query available provider packages\n")
        sys.exit(1)
    os.mkdir(".terraform")
    lock = json.loads(os.environ.get("FAKE_TF_LOCK") or "{}")
    with open(".terraform.lock.hcl", "w") as f:
        for addr, version in sorted(lock.items()):
            f.write('provider "%s" {\n  version     = "%s"\n  hashes = [\n    "h1:x=",\n  ]\n}\n\n'
                    % (addr, version))
    print("Terraform has been successfully initialized!")
elif args == ["providers", "schema", "-json"]:
    if not os.path.isdir(".terraform"):
        sys.exit("stand-in: providers schema before init")
    if fail == "schema":
        sys.stderr.write("Error: schema failed\n")
        sys.exit(1)
    if os.environ.get("FAKE_TF_RAW"):
        with open(os.environ["FAKE_TF_RAW"]) as f:
            sys.stdout.write(f.read())
        sys.exit(0)
    doc = {"provider_schemas": {}, "format_version": "1.0"}
    for path in os.environ["FAKE_TF_SCHEMA"].split(os.pathsep):
        with open(path) as f:
            # keys in reverse order: the tool must sort them
            doc["provider_schemas"].update(json.load(
                f, object_pairs_hook=lambda kv: dict(reversed(kv)))["provider_schemas"])
    json.dump(doc, sys.stdout, indent=1)
else:
    sys.exit("stand-in: unexpected arguments %r" % (args,))
"""


def load_fixture(*paths):
    doc = {"format_version": "1.0", "provider_schemas": {}}
    for path in paths:
        with open(path) as f:
            doc["provider_schemas"].update(json.load(f)["provider_schemas"])
    return doc


class FetchTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.crate = os.path.join(self.dir, "crate")
        os.mkdir(self.crate)
        with open(os.path.join(self.crate, "Cargo.toml"), "w") as f:
            f.write('[package]\nname = "demo"\n')
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        self.terraform = os.path.join(self.bin, "terraform")
        with open(self.terraform, "w") as f:
            f.write("#!%s\n%s" % (sys.executable, STAND_IN))
        os.chmod(self.terraform, 0o755)
        self.logdir = os.path.join(self.dir, "log")
        os.mkdir(self.logdir)
        self.log = os.path.join(self.logdir, "calls.jsonl")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_TF_")}
        self.env.update(PATH=self.bin + os.pathsep + os.environ.get("PATH", ""),
                        FAKE_TF_LOG=self.log, FAKE_TF_SCHEMA=K8S_FIXTURE)
        self.schema = os.path.join(self.crate, "schema", "kubernetes.json.gz")
        self.toml = os.path.join(self.crate, "tap.toml")

    def tearDown(self):
        self._tmp.cleanup()

    # helpers -------------------------------------------------------------

    def fetch(self, *argv, crate=None, cwd=None, **env):
        """Run `tap-schema.py fetch --crate CRATE ARGV...` as a subprocess."""
        e = dict(self.env, **env)
        return subprocess.run([sys.executable, TOOL, "fetch", "--crate", crate or self.crate]
                              + list(argv), env=e, cwd=cwd, capture_output=True, text=True)

    def fetch_ok(self, *argv, **kw):
        r = self.fetch(*argv, **kw)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return [json.loads(line) for line in f]

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def tap_toml(self):
        import tomllib
        with open(self.toml, "rb") as f:
            return tomllib.load(f)

    def assert_nothing_written(self, toml_before=None):
        self.assertFalse(os.path.exists(os.path.join(self.crate, "schema")))
        if toml_before is None:
            self.assertFalse(os.path.exists(self.toml))
        else:
            self.assertEqual(self.read(self.toml), toml_before)
        self.assertEqual(sorted(os.listdir(self.crate)),
                         sorted(["Cargo.toml"] + (["tap.toml"] if toml_before is not None else [])))

    # tests ---------------------------------------------------------------

    def test_fetch_in_help(self):
        r = subprocess.run([sys.executable, TOOL, "--help"], capture_output=True, text=True)
        self.assertIn("fetch", r.stdout)

    def test_fetch_writes_schema_and_tap_toml(self):
        r = self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38",
                          FAKE_TF_LOCK=json.dumps({K8S: "2.38.0"}))
        raw = self.read(self.schema)
        # gzip header: no file name (FLG.FNAME clear), MTIME 0
        self.assertEqual(raw[:3], b"\x1f\x8b\x08")
        self.assertEqual(raw[3] & 0x08, 0)
        self.assertEqual(raw[4:8], b"\0\0\0\0")
        data = gzip.decompress(raw)
        # untrimmed (descriptions kept) and compact with sorted keys
        self.assertEqual(json.loads(data), load_fixture(K8S_FIXTURE))
        self.assertEqual(data, json.dumps(load_fixture(K8S_FIXTURE), sort_keys=True,
                                          separators=(",", ":")).encode())
        text = self.read(self.toml).decode()
        self.assertTrue(text.startswith("# "), text)
        self.assertEqual(self.tap_toml(), {"schema": [
            {"path": "schema/kubernetes.json.gz", "versions": {"kubernetes": "~> 2.38"}}]})
        self.assertIn('\n\n[[schema]]\npath = "schema/kubernetes.json.gz"\n'
                      'versions = { kubernetes = "~> 2.38" }\n', text)
        lines = r.stdout.splitlines()
        self.assertIn("kubernetes: %s 2.38.0, 2 resource types, 1 data sources -> %s"
                      % (K8S, self.schema), lines)
        self.assertIn("created %s" % self.toml, r.stdout)
        # no temporary files left behind
        self.assertEqual(sorted(os.listdir(os.path.join(self.crate, "schema"))),
                         ["kubernetes.json.gz"])
        self.assertEqual(sorted(os.listdir(self.crate)), ["Cargo.toml", "schema", "tap.toml"])

    def test_fetch_deterministic_idempotent_and_preserves_tap_toml(self):
        user = ('# my settings\n[[schema]]\npath = "schema/aws.json.gz"\n\n'
                '[other]\nkey = "value"  # comment \u00e9')          # no final newline
        with open(self.toml, "w", encoding="utf-8", newline="") as f:
            f.write(user)
        self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38")
        first_gz, first_toml = self.read(self.schema), self.read(self.toml)
        self.assertTrue(first_toml.startswith(user.encode("utf-8")))
        self.assertEqual(first_toml[len(user.encode("utf-8")):],
                         b'\n\n[[schema]]\npath = "schema/kubernetes.json.gz"\n'
                         b'versions = { kubernetes = "~> 2.38" }\n')
        self.assertEqual(self.tap_toml()["other"], {"key": "value"})
        self.assertEqual([s["path"] for s in self.tap_toml()["schema"]],
                         ["schema/aws.json.gz", "schema/kubernetes.json.gz"])

        r = self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38")
        self.assertEqual(self.read(self.schema), first_gz)
        self.assertEqual(self.read(self.toml), first_toml)
        self.assertIn("already lists schema/kubernetes.json.gz; left unchanged", r.stdout)
        self.assertEqual(len(self.tap_toml()["schema"]), 2)

        # another crate, another time: the same bytes
        other = os.path.join(self.dir, "other-crate")
        os.mkdir(other)
        with open(os.path.join(other, "Cargo.toml"), "w") as f:
            f.write("[package]\n")
        self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38", crate=other)
        self.assertEqual(self.read(os.path.join(other, "schema", "kubernetes.json.gz")),
                         first_gz)

    def test_fetch_existing_entry_with_other_versions_warns(self):
        entry = ('[[schema]]\npath = "schema/kubernetes.json.gz"\n'
                 'versions = { kubernetes = "~> 2.30" }\n')
        with open(self.toml, "w") as f:
            f.write(entry)
        r = self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38")
        self.assertEqual(self.read(self.toml), entry.encode())
        self.assertIn("left unchanged", r.stdout)
        self.assertIn("~> 2.30", r.stderr)

    def test_fetch_runs_init_then_schema_in_a_temporary_configuration(self):
        self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38")
        calls = self.calls()
        self.assertEqual([c["argv"] for c in calls],
                         [["init", "-input=false", "-no-color"], ["providers", "schema", "-json"]])
        self.assertEqual(calls[0]["cwd"], calls[1]["cwd"])
        work = calls[0]["cwd"]
        self.assertFalse(os.path.realpath(work).startswith(os.path.realpath(self.crate)))
        self.assertFalse(os.path.exists(work), "temporary directory left behind")
        for c in calls:
            self.assertEqual(c["env"], {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"})
        with open(os.path.join(self.logdir, "main.tf.json")) as f:
            self.assertEqual(json.load(f), {"terraform": {"required_providers": {
                "kubernetes": {"source": "hashicorp/kubernetes", "version": "~> 2.38"}}}})

    def test_fetch_two_providers_one_file(self):
        self.fetch_ok("--provider", "hashicorp/kubernetes=~> 2.38",
                      "--provider", "hashicorp/helm=~> 2.17", "--name", "cluster",
                      FAKE_TF_SCHEMA=os.pathsep.join([K8S_FIXTURE, HELM_FIXTURE]))
        path = os.path.join(self.crate, "schema", "cluster.json.gz")
        doc = json.loads(gzip.decompress(self.read(path)))
        self.assertEqual(sorted(doc["provider_schemas"]), [HELM, K8S])
        self.assertEqual(doc, load_fixture(K8S_FIXTURE, HELM_FIXTURE))
        self.assertFalse(os.path.exists(self.schema))
        self.assertEqual(self.tap_toml()["schema"], [
            {"path": "schema/cluster.json.gz",
             "versions": {"kubernetes": "~> 2.38", "helm": "~> 2.17"}}])
        with open(os.path.join(self.logdir, "main.tf.json")) as f:
            self.assertEqual(json.load(f)["terraform"]["required_providers"], {
                "kubernetes": {"source": "hashicorp/kubernetes", "version": "~> 2.38"},
                "helm": {"source": "hashicorp/helm", "version": "~> 2.17"}})

    def test_fetch_empty_constraint_and_host(self):
        r = self.fetch_ok("--provider", "registry.terraform.io/hashicorp/kubernetes=",
                          "--provider", "hashicorp/helm=>= 2.0, < 3.0",
                          FAKE_TF_SCHEMA=os.pathsep.join([K8S_FIXTURE, HELM_FIXTURE]))
        with open(os.path.join(self.logdir, "main.tf.json")) as f:
            self.assertEqual(json.load(f)["terraform"]["required_providers"], {
                "kubernetes": {"source": "registry.terraform.io/hashicorp/kubernetes"},
                "helm": {"source": "hashicorp/helm", "version": ">= 2.0, < 3.0"}})
        self.assertEqual(self.tap_toml()["schema"], [
            {"path": "schema/kubernetes.json.gz", "versions": {"helm": ">= 2.0, < 3.0"}}])
        self.assertIn("helm: %s, 1 resource types, 0 data sources" % HELM, r.stdout)

    def test_fetch_bad_provider_value(self):
        for bad in ("hashicorp/kubernetes", "kubernetes=~> 2.38", "a/b/c/d=1.0",
                    "hashicorp/kubernetes=two", "hashicorp/=1.0", "hashicorp/kubernetes=~>"):
            r = self.fetch("--provider", bad)
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
            lines = r.stderr.splitlines()
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("--provider", lines[0])
            self.assertIn(repr(bad), lines[0])
            self.assertIn("SOURCE=CONSTRAINT", lines[0])
            self.assert_nothing_written()
        self.assertEqual(self.calls(), [])
        # a second, bad --provider also stops everything
        r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38", "--provider", "helm")
        self.assertEqual(r.returncode, 2)
        self.assert_nothing_written()
        # the same local name twice
        r = self.fetch("--provider", "hashicorp/kubernetes=", "--provider", "other/kubernetes=")
        self.assertEqual(r.returncode, 2)
        self.assertIn("local name", r.stderr)
        self.assertEqual(self.calls(), [])

    def test_fetch_terraform_init_fails(self):
        before = b"[other]\nx = 1\n"
        with open(self.toml, "wb") as f:
            f.write(before)
        r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38", FAKE_TF_FAIL="init")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Error: Failed to query available provider packages", r.stderr)
        self.assertIn("terraform init", r.stderr)
        self.assert_nothing_written(before)
        self.assertEqual([c["argv"][0] for c in self.calls()], ["init"])

    def test_fetch_terraform_schema_fails(self):
        r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38", FAKE_TF_FAIL="schema")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Error: schema failed", r.stderr)
        self.assert_nothing_written()

    def test_fetch_output_lacks_provider(self):
        r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38",
                       "--provider", "hashicorp/helm=~> 2.17")
        self.assertEqual(r.returncode, 1)
        self.assertIn("lacks provider hashicorp/helm", r.stderr)
        self.assertIn(K8S, r.stderr)
        self.assert_nothing_written()

    def test_fetch_output_not_a_schema(self):
        for text, says in (("not json", "not print valid JSON"), ("[]", "no JSON object"),
                           ('{"provider_schemas": {}}', "no `format_version`"),
                           ('{"format_version": "1.0"}', "no `provider_schemas`")):
            raw = os.path.join(self.dir, "raw.txt")
            with open(raw, "w") as f:
                f.write(text)
            r = self.fetch("--provider", "hashicorp/kubernetes=", FAKE_TF_RAW=raw)
            self.assertEqual(r.returncode, 1, (text, r.stderr))
            self.assertIn("providers schema -json", r.stderr)
            self.assertIn(says, r.stderr)
            self.assert_nothing_written()

    def test_fetch_without_terraform(self):
        empty = os.path.join(self.dir, "empty-bin")
        os.mkdir(empty)
        r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38", PATH=empty)
        self.assertEqual(r.returncode, 2)
        self.assertIn("Terraform is needed", r.stderr)
        self.assertIn("--terraform", r.stderr)
        self.assert_nothing_written()
        r = self.fetch("--provider", "hashicorp/kubernetes=", "--terraform",
                       os.path.join(empty, "terraform"), PATH=empty)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--terraform", r.stderr)
        self.assert_nothing_written()
        # pointing at it explicitly works without PATH, also by a relative path
        self.fetch_ok("--provider", "hashicorp/kubernetes=", "--terraform",
                      os.path.join("bin", "terraform"), PATH=empty, cwd=self.dir)
        self.assertTrue(os.path.exists(self.schema))
        self.assertEqual(self.tap_toml()["schema"], [{"path": "schema/kubernetes.json.gz"}])

    def test_fetch_bad_crate_or_name(self):
        os.remove(os.path.join(self.crate, "Cargo.toml"))
        r = self.fetch("--provider", "hashicorp/kubernetes=")
        self.assertEqual(r.returncode, 2)
        self.assertIn("Cargo.toml", r.stderr)
        r = self.fetch("--provider", "hashicorp/kubernetes=",
                       crate=os.path.join(self.dir, "nope"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("no such directory", r.stderr)
        with open(os.path.join(self.crate, "Cargo.toml"), "w") as f:
            f.write("[package]\n")
        for name in ("../escape", "k8s.json.gz", ""):
            r = self.fetch("--provider", "hashicorp/kubernetes=", "--name", name)
            self.assertEqual(r.returncode, 2, name)
            self.assertIn("--name", r.stderr)
        self.assertEqual(self.calls(), [])

    def test_fetch_bad_tap_toml(self):
        for before in (b'[[schema]\npath = "x"\n', b'[schema]\npath = "x"\n',
                       b'schema = [{ path = "x" }]\n'):
            with open(self.toml, "wb") as f:
                f.write(before)
            r = self.fetch("--provider", "hashicorp/kubernetes=~> 2.38")
            self.assertEqual(r.returncode, 2, before)
            self.assertIn(self.toml, r.stderr)
            self.assert_nothing_written(before)
        self.assertEqual(self.calls(), [])

    def test_toml_quoting(self):
        import tomllib
        for s in ('~> 2.38', 'a"b', 'back\\slash', 'tab\there', 'nl\n', '\x01', '\u00e9'):
            text = "k = %s\n" % tap_schema.toml_string(s)
            self.assertEqual(tomllib.loads(text), {"k": s})
        lines = tap_schema.schema_entry('schema/x"y.json.gz', [("a.b", '"q"'), ("helm", "1")])
        self.assertEqual(tomllib.loads("\n".join(lines)), {"schema": [
            {"path": 'schema/x"y.json.gz', "versions": {"a.b": '"q"', "helm": "1"}}]})


if __name__ == "__main__":
    unittest.main()
