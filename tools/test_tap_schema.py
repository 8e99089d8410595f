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


if __name__ == "__main__":
    unittest.main()
