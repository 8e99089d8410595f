#!/usr/bin/env python3
"""Regenerates (or, with --check, re-checks) tap-core/backends/backends.json,
the argument tables of Terraform's state backends and of the `cloud` block.

Usage:
    python3 tools/tap-backends.py TERRAFORM_GIT_DIR [--check]

TERRAFORM_GIT_DIR is a clone (bare or not) of github.com/hashicorp/terraform
holding the release tags. The tables are read from the `configschema.Block`
literal of each backend's Go source at the tag in TAG below; the version an
argument appeared in is the first minor release (v1.0.0 ... TAG) whose source
names it. What Go source cannot say (deprecation replacements, conflicting
arguments, versions that differ from the schema's history) comes from
tap-core/backends/overlay.json, kept by hand. The output is sorted and
pretty-printed, so a regeneration shows as a readable diff.
"""

import json
import os
import re
import subprocess
import sys

TAG = "v1.15.9"
REPO = "github.com/hashicorp/terraform"
LICENSE = "BUSL-1.1 (Terraform's source since v1.6); the tables hold facts only: names, types, flags"

# Backend name -> (source file, where its schema literal starts).
SOURCES = {
    "s3": ("internal/backend/remote-state/s3/backend.go", "func (b *Backend) ConfigSchema()"),
    "local": ("internal/backend/local/backend.go", "func (b *Local) ConfigSchema()"),
    "remote": ("internal/backend/remote/backend.go", "func (b *Remote) ConfigSchema()"),
    "cloud": ("internal/cloud/backend.go", "func (b *Cloud) ConfigSchema()"),
    "gcs": ("internal/backend/remote-state/gcs/backend.go", "func New()"),
    "azurerm": ("internal/backend/remote-state/azure/backend.go", "func New()"),
    "consul": ("internal/backend/remote-state/consul/backend.go", "func New()"),
    "pg": ("internal/backend/remote-state/pg/backend.go", "func New()"),
    "http": ("internal/backend/remote-state/http/backend.go", "func New()"),
}

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tap-core", "backends")


def git_show(git_dir, tag, path):
    out = subprocess.run(["git", "--git-dir", git_dir, "show", f"{tag}:{path}"], capture_output=True, text=True)
    return out.stdout if out.returncode == 0 else None


TOKEN = re.compile(r'\s+|//[^\n]*|"(?:[^"\\]|\\.)*"|`[^`]*`|[{}(),:\[\]]|[^\s{}(),:\[\]"`]+')


def tokens(text):
    return [t for t in TOKEN.findall(text) if t.strip() and not t.startswith("//")]


def literal_at(toks, i):
    """The composite literal whose `{` is at toks[i], as a tree:
    a list of (key or None, value) where value is a tree or an expression string."""
    assert toks[i] == "{"
    items, i = [], i + 1
    while toks[i] != "}":
        key = None
        if i + 1 < len(toks) and toks[i + 1] == ":":
            key, i = toks[i].strip('"'), i + 2
        expr, depth = [], 0
        while depth > 0 or toks[i] not in (",", "}"):
            if toks[i] == "{" and depth == 0:
                value, i = literal_at(toks, i)
                expr.append(value)
                continue
            depth += toks[i] in ("(", "[")
            depth -= toks[i] in (")", "]")
            expr.append(toks[i])
            i += 1
        items.append((key, expr))
        if toks[i] == ",":
            i += 1
    return items, i + 1


def cty(expr):
    text = "".join(e for e in expr if isinstance(e, str))
    m = re.fullmatch(r"cty\.(List|Set|Map)\((.*)\)", text)
    if m:
        return [m.group(1).lower(), cty([m.group(2)])]
    return {"cty.String": "string", "cty.Bool": "bool", "cty.Number": "number", "cty.DynamicPseudoType": "dynamic"}[text]


def value_of(expr):
    """The tree of a `Type{...}` or `{...}` value, or None for a plain expression."""
    trees = [e for e in expr if isinstance(e, list)]
    return trees[0] if trees else None


def attribute(tree):
    attr = {}
    for key, expr in tree:
        if key is None and value_of(expr) is not None:  # s3's stringAttribute{configschema.Attribute{...}, validators}
            if "configschema.Attribute" in expr:
                return attribute(value_of(expr))
            continue
        if key == "Type":
            attr["type"] = cty(expr)
        elif key in ("Required", "Optional", "Deprecated", "Sensitive") and expr == ["true"]:
            attr[key.lower()] = True
    return attr


def block(tree, variables):
    out = {"attributes": {}, "block_types": {}}
    for key, expr in tree:
        if key == "Attributes":
            for name, aexpr in value_of(expr):
                out["attributes"][name] = attr_or_nested(aexpr, variables)
        elif key == "BlockTypes":
            for name, bexpr in value_of(expr):
                nested = {}
                for k, e in value_of(bexpr):
                    if k == "Block":
                        nested["block"] = block(value_of(e), variables)
                    elif k == "Nesting":
                        nested["nesting_mode"] = e[0].replace("configschema.Nesting", "").lower()
                out["block_types"][name] = nested
    if not out["block_types"]:
        del out["block_types"]
    return out


def attr_or_nested(expr, variables):
    # s3: `"assume_role": assumeRoleSchema.SchemaAttribute()`, a single nested object.
    if isinstance(expr[0], str) and expr[0].endswith(".SchemaAttribute"):
        tree = variables[expr[0].split(".")[0]]
        fields = {}
        for key, e in tree:
            if key == "Attributes":
                for name, aexpr in value_of(e):
                    fields[name] = attribute(value_of(aexpr))
        return {"nested_type": {"attributes": fields, "nesting_mode": "single"}, "optional": True}
    return attribute(value_of(expr))


def schema(text, start):
    at = text.index(start)
    toks = tokens(text[at:])
    i = next(k for k in range(len(toks) - 1) if toks[k].lstrip("&") == "configschema.Block" and toks[k + 1] == "{") + 1
    tree, _ = literal_at(toks, i)
    variables = {}
    for m in re.finditer(r"^var (\w+) = singleNestedAttribute\{", text, re.M):
        vtoks = tokens(text[m.end() - 1:])
        variables[m.group(1)], _ = literal_at(vtoks, 0)
    return block(tree, variables)


def minor_tags(git_dir):
    tags = subprocess.run(["git", "--git-dir", git_dir, "tag", "--list", "v1.*.0"], capture_output=True, text=True).stdout.split()
    stable = sorted((t for t in tags if re.fullmatch(r"v1\.\d+\.0", t)), key=lambda t: int(t.split(".")[1]))
    last = int(TAG.split(".")[1])
    return [t for t in stable if int(t.split(".")[1]) <= last]


def first_seen(git_dir, path, names):
    """The first minor version (as "1.N") whose source of `path` quotes each name as a key."""
    seen = {}
    for tag in minor_tags(git_dir):
        text = git_show(git_dir, tag, path) or ""
        for name in names:
            if name not in seen and re.search(r'"%s"\s*:' % re.escape(name), text):
                seen[name] = tag[1:].rsplit(".", 1)[0]
    return seen


def build(git_dir):
    overlay = json.load(open(os.path.join(DATA, "overlay.json")))
    commit = subprocess.run(["git", "--git-dir", git_dir, "rev-parse", TAG + "^{commit}"], capture_output=True, text=True).stdout.strip()
    backends = {}
    for name, (path, start) in sorted(SOURCES.items()):
        text = git_show(git_dir, TAG, path)
        block_ = schema(text, start)
        names = list(block_["attributes"]) + list(block_.get("block_types", {}))
        extra = overlay.get(name, {})
        # What the backend's own first version brings is not listed again.
        floor = extra.get("introduced", "1.0")
        since = {k: v for k, v in first_seen(git_dir, path, names).items() if v != floor}
        since.update(extra.get("since", {}))
        entry = {"source": path, "block": block_}
        if since:
            entry["since"] = dict(sorted(since.items()))
        for key in ("introduced", "deprecated", "conflicts", "notes"):
            if key in extra:
                entry[key] = extra[key]
        backends[name] = entry
    return {
        "origin": {"repository": REPO, "tag": TAG, "commit": commit, "license": LICENSE, "generated_by": "tools/tap-backends.py"},
        "backends": backends,
    }


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = json.dumps(build(sys.argv[1]), indent=2, sort_keys=True) + "\n"
    target = os.path.join(DATA, "backends.json")
    if "--check" in sys.argv:
        current = open(target).read() if os.path.exists(target) else ""
        if current != out:
            sys.exit("backends.json is out of date: run tools/tap-backends.py without --check")
        print("backends.json is current")
    else:
        open(target, "w").write(out)


if __name__ == "__main__":
    main()
