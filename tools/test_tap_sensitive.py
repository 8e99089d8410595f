#!/usr/bin/env python3
"""Tests for tools/tap-sensitive.py on a small Go source tree in
tools/fixtures/sensitive/ (SDKv2 and plugin-framework styles, keys written as
constants, nested blocks and nested attributes, an ephemeral resource, the
provider configuration) and its hand-made schema.

Run with either of:
  python3 tools/test_tap_sensitive.py
  python3 -m pytest tools/test_tap_sensitive.py
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "tap-sensitive.py")
FIXTURE = os.path.join(HERE, "fixtures", "sensitive")
SCHEMA = os.path.join(FIXTURE, "schema.json")

_spec = importlib.util.spec_from_file_location("tap_sensitive", TOOL)
tap_sensitive = importlib.util.module_from_spec(_spec)
sys.dont_write_bytecode = True
_spec.loader.exec_module(tap_sensitive)


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


class Extract(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.out = os.path.join(self.tmp, "demo.json")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def extract(self, repo=FIXTURE, *extra):
        r = run("extract", "--repo", repo, "--schema", SCHEMA, "--origin", "acme/terraform-provider-demo", "--date", "2026-01-01", "--out", self.out, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.out) as f:
            return json.load(f)

    def test_both_styles_nested_paths_and_constants(self):
        doc = self.extract()
        self.assertEqual(doc["resources"]["demo_db"], {"sensitive": ["password", "password_wo", "user.secret"], "write_only": ["password_wo"]})
        self.assertEqual(doc["resources"]["demo_key"], {"sensitive": ["options.passphrase", "pem"], "write_only": ["proxy.token"]})
        self.assertEqual(doc["resources"]["demo_legacy"], {"sensitive": ["secret"]}, "SDKv2 ResourcesMap registration")
        self.assertEqual(doc["data_sources"], {"demo_db": {"sensitive": ["connection_string"]}})
        self.assertEqual(doc["provider_config"], {"sensitive": ["api_key"]})
        self.assertEqual(doc["counts"], {"sensitive": 8, "write_only": 2})

    def test_ephemeral_resources_and_unknown_paths_are_not_kept(self):
        doc = self.extract()
        text = json.dumps(doc["resources"])
        self.assertNotIn("ephemeral_only", text)
        self.assertNotIn("name", doc["resources"]["demo_db"]["sensitive"], "`Sensitive: false` is no mark")
        self.assertEqual(doc["coverage"]["dropped"], 1)
        self.assertIn("legacy_token", doc["coverage"]["dropped_paths"][0])
        self.assertEqual(doc["coverage"]["found"], doc["coverage"]["kept"] + doc["coverage"]["dropped"])

    def test_origin_and_deterministic_output(self):
        first = self.extract()
        self.assertEqual(first["origin"]["licence"], "MPL-2.0")
        self.assertEqual(first["origin"]["repository"], "acme/terraform-provider-demo")
        self.assertIn("tools/tap-sensitive.py extract", first["origin"]["command"])
        with open(self.out, "rb") as f:
            once = f.read()
        self.extract()
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), once)

    def test_reads_a_git_ref(self):
        repo = os.path.join(self.tmp, "repo")
        shutil.copytree(FIXTURE, repo)
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com",
                   GIT_AUTHOR_DATE="2025-04-22T00:00:00Z", GIT_COMMITTER_DATE="2025-04-22T00:00:00Z")
        for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"], ["tag", "v1.0.0"]):
            subprocess.run(["git", "-C", repo, *argv], check=True, env=env, capture_output=True)
        # a later edit in the work tree is not what the tag holds
        with open(os.path.join(repo, "internal/provider/legacy.go"), "a") as f:
            f.write('\nfunc extra() { _ = map[string]*schema.Schema{"secret2": {Sensitive: true}} }\n')
        r = run("extract", "--repo", repo, "--ref", "v1.0.0", "--schema", SCHEMA, "--origin", "acme/terraform-provider-demo", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.out) as f:
            doc = json.load(f)
        self.assertEqual(doc["origin"]["date"], "2025-04-22")
        self.assertEqual(len(doc["origin"]["commit"]), 40)
        self.assertEqual(doc["counts"], {"sensitive": 8, "write_only": 2})

    def test_unreachable_source_has_no_entries(self):
        r = run("unreachable", "--schema", SCHEMA, "--origin", "acme/terraform-provider-demo", "--ref", "v1.0.0", "--reason", "too large", "--out", self.out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.out) as f:
            doc = json.load(f)
        self.assertEqual((doc["origin"]["status"], doc["resources"], doc["counts"]["sensitive"]), ("unreachable", {}, 0))

    def test_bad_schema_is_exit_2(self):
        r = run("extract", "--repo", FIXTURE, "--schema", os.path.join(self.tmp, "missing.json"), "--origin", "a/terraform-provider-b", "--out", self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot read schema", r.stderr)


class Tokens(unittest.TestCase):
    def test_strings_and_comments_do_not_open_braces(self):
        toks = tap_sensitive.tokens('x := "{" // {\n y := `}`')
        self.assertEqual([t[1] for t in toks if t[1] in "{}"], [])


if __name__ == "__main__":
    unittest.main()
