#!/usr/bin/env python3
"""tap-schema: make and check tap's provider-schema data file.

tap's proc macros check resources at compile time against a provider schema
in the layout of `terraform providers schema -json`.  The full AWS provider
schema is large, so the repository keeps a trimmed copy holding only the
provider configuration block and the resource types / data sources listed in
a types file (tap-macros/schema/aws/types.txt).

Subcommands:

  extract  Read a `terraform providers schema -json` dump (plain or .gz),
           keep the listed types, drop descriptions, write the data file.
  check    Regenerate in memory and compare with the checked-in data file.
           Exit 0 if identical, 1 on drift.
  diff     Summarise what changed between two data files (for provider
           upgrades): types added/removed, attributes and blocks
           added/removed/changed.

Typical use (from the repository root):

  terraform providers schema -json > dump.json
  tools/tap-schema.py extract --from dump.json --provider-version 6.25.0 \\
      --types tap-macros/schema/aws/types.txt \\
      --out tap-macros/schema/aws/6.25.0.json
  tools/tap-schema.py check --from dump.json --provider-version 6.25.0 \\
      --types tap-macros/schema/aws/types.txt \\
      --out tap-macros/schema/aws/6.25.0.json

Output format: the Terraform layout (format_version, provider_schemas ->
provider address -> provider / resource_schemas / data_source_schemas) with
`description` and `description_kind` removed, fact-carrying `x_` extension
keys kept (x_maybe_attribute, x_required, x_cdktf_any, x_block_in_provider,
x_not_in_cdktf_synth), provenance-only ones dropped (x_cdktf, x_meta), and a
top-level "x_tap" header {provider, provider_version, source}.  Written as
json.dumps(indent=1, sort_keys=True) plus a newline, so the same input always
gives the same bytes.

Exit codes: 0 success, 1 drift (check) or differences (diff --exit-code),
2 bad input or usage.  Only the Python 3 standard library is used.
"""

import argparse
import difflib
import gzip
import json
import os
import sys

DEFAULT_PROVIDER = "registry.terraform.io/hashicorp/aws"

# Keys removed everywhere inside a schema (documentation only).
DROP_KEYS = {"description", "description_kind"}

# `x_` keys that record facts about the schema and are kept.
KEEP_X_KEYS = {
    "x_maybe_attribute",     # a single-nested `timeouts`-like entry that may be an attribute
    "x_required",            # a nesting_mode=single block that is required
    "x_cdktf_any",           # argument typed `any`; contents unchecked
    "x_block_in_provider",   # ... and the provider has a nested block there
    "x_not_in_cdktf_synth",  # configurable in the schema, not synthesised by cdktf
}

# `x_` keys that only record where the data came from; dropped silently.
PROVENANCE_X_KEYS = {"x_cdktf", "x_meta"}

KINDS = {
    "resource": "resource_schemas",
    "data": "data_source_schemas",
}
KIND_LABEL = {"resource": "resource", "data": "data source"}


class ToolError(Exception):
    """An input or usage problem; reported on stderr with exit code 2."""


# --------------------------------------------------------------------------
# reading inputs


def load_json(path):
    """Load a JSON file, transparently gunzipping it if it is gzip data."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ToolError("cannot read %s: %s" % (path, e.strerror or e))
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise ToolError("%s: bad gzip data: %s" % (path, e))
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ToolError("%s: not valid JSON: %s" % (path, e))


def parse_types(path):
    """Parse a types file into a list of (kind, name, line_number).

    One entry per line: `resource aws_vpc` or `data aws_region`.
    `#` starts a comment; blank lines are ignored.
    """
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ToolError("cannot read types file %s: %s" % (path, e.strerror or e))
    entries = []
    seen = {}
    errors = []
    for lineno, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2 or parts[0] not in KINDS:
            errors.append("%s:%d: expected `resource NAME` or `data NAME`, got %r"
                          % (path, lineno, text))
            continue
        key = (parts[0], parts[1])
        if key in seen:
            errors.append("%s:%d: duplicate entry `%s %s` (first on line %d)"
                          % (path, lineno, parts[0], parts[1], seen[key]))
            continue
        seen[key] = lineno
        entries.append((parts[0], parts[1], lineno))
    if errors:
        raise ToolError("\n".join(errors))
    return entries


def select_provider(dump, provider, source):
    schemas = dump.get("provider_schemas") if isinstance(dump, dict) else None
    if not isinstance(schemas, dict):
        raise ToolError("%s: no `provider_schemas` object; is this the output of "
                        "`terraform providers schema -json`?" % source)
    if provider not in schemas:
        available = ", ".join(sorted(schemas)) or "(none)"
        raise ToolError("provider %s not in %s; available: %s"
                        % (provider, source, available))
    return schemas[provider]


def provider_version(dump, provider, override):
    """The provider version: x_meta.provider_version, else --provider-version."""
    meta = dump.get("x_meta") if isinstance(dump, dict) else None
    from_meta = None
    if isinstance(meta, dict) and meta.get("provider_version"):
        if meta.get("provider") in (None, provider):
            from_meta = str(meta["provider_version"])
    if from_meta and override and override != from_meta:
        raise ToolError("--provider-version %s contradicts the dump's "
                        "x_meta.provider_version %s" % (override, from_meta))
    version = from_meta or override
    if not version:
        raise ToolError("the dump does not record the provider version; "
                        "pass --provider-version (see `terraform version`)")
    return version


# --------------------------------------------------------------------------
# trimming


class Trimmer:
    """Walks a schema structurally so that an attribute *named* `description`
    or `type` is never mistaken for a schema key."""

    def __init__(self):
        self.unknown = set()

    def _common(self, src, dst, where, known):
        for k, v in src.items():
            if k in known or k in DROP_KEYS or k in PROVENANCE_X_KEYS:
                continue
            if k.startswith("x_") and k not in KEEP_X_KEYS:
                # An extension we do not know: keep it (it may be a fact),
                # but say so, so that someone decides.
                self.unknown.add("%s.%s" % (where, k))
            elif not k.startswith("x_") and k not in KEEP_PLAIN_KEYS:
                self.unknown.add("%s.%s" % (where, k))
            dst[k] = v

    def schema(self, s):
        out = {}
        if "version" in s:
            out["version"] = s["version"]
        if "block" in s:
            out["block"] = self.block(s["block"])
        self._common(s, out, "schema", {"version", "block"})
        return out

    def block(self, b):
        out = {}
        if "attributes" in b:
            out["attributes"] = {n: self.attribute(a) for n, a in b["attributes"].items()}
        if "block_types" in b:
            out["block_types"] = {n: self.block_type(t) for n, t in b["block_types"].items()}
        self._common(b, out, "block", {"attributes", "block_types"})
        return out

    def attribute(self, a):
        out = {}
        if "nested_type" in a:
            out["nested_type"] = self.nested_type(a["nested_type"])
        self._common(a, out, "attribute", {"nested_type"})
        return out

    def nested_type(self, n):
        out = {}
        if "attributes" in n:
            out["attributes"] = {k: self.attribute(a) for k, a in n["attributes"].items()}
        self._common(n, out, "nested_type", {"attributes"})
        return out

    def block_type(self, t):
        out = {}
        if "block" in t:
            out["block"] = self.block(t["block"])
        self._common(t, out, "block_type", {"block"})
        return out


# Plain (non-`x_`) keys known to appear in terraform's schema JSON and kept.
KEEP_PLAIN_KEYS = {
    "type", "nested_type", "nesting_mode", "min_items", "max_items",
    "required", "optional", "computed", "sensitive", "deprecated",
    "write_only", "attributes", "block_types", "block", "version",
}


def build(dump, types, provider, version_override, source_name):
    """Build the trimmed data document. Raises ToolError on unknown types."""
    pschema = select_provider(dump, provider, source_name)
    version = provider_version(dump, provider, version_override)
    tables = {kind: pschema.get(key) or {} for kind, key in KINDS.items()}

    missing = []
    for kind, name, lineno in types:
        if name in tables[kind]:
            continue
        msg = "line %d: unknown %s `%s`" % (lineno, KIND_LABEL[kind], name)
        other = "data" if kind == "resource" else "resource"
        close = difflib.get_close_matches(name, list(tables[kind]), n=3, cutoff=0.6)
        if name in tables[other]:
            msg += "; it exists as a %s: `%s %s`" % (KIND_LABEL[other], other, name)
            if close:
                msg += "; similar %ss: %s" % (KIND_LABEL[kind], ", ".join(
                    "`%s %s`" % (kind, c) for c in close))
        elif close:
            msg += "; did you mean %s?" % " or ".join("`%s %s`" % (kind, c) for c in close)
        missing.append(msg)
    if missing:
        raise ToolError("types not in provider %s %s:\n  %s"
                        % (provider, version, "\n  ".join(missing)))

    t = Trimmer()
    out_provider = {}
    if "provider" in pschema:
        out_provider["provider"] = t.schema(pschema["provider"])
    for kind, key in KINDS.items():
        out_provider[key] = {name: t.schema(tables[kind][name])
                             for k, name, _ in types if k == kind}
    doc = {
        "format_version": dump.get("format_version", "1.0"),
        "provider_schemas": {provider: out_provider},
        "x_tap": {
            "provider": provider,
            "provider_version": version,
            "source": source_name,
        },
    }
    return doc, sorted(t.unknown)


def render(doc):
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def generate(args):
    dump = load_json(args.dump)
    types = parse_types(args.types)
    doc, unknown = build(dump, types, args.provider, args.provider_version,
                         os.path.basename(args.dump))
    for u in unknown:
        print("warning: unrecognised schema key kept as-is: %s" % u, file=sys.stderr)
    return doc, render(doc)


# --------------------------------------------------------------------------
# subcommands


def cmd_extract(args):
    doc, text = generate(args)
    version = doc["x_tap"]["provider_version"]
    if version not in os.path.basename(args.out):
        print("warning: %s does not name provider version %s" % (args.out, version),
              file=sys.stderr)
    parent = os.path.dirname(args.out)
    if parent:
        os.makedirs(parent, exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.out)
    p = doc["provider_schemas"][args.provider]
    print("wrote %s: %d resource types, %d data sources, %d bytes (provider %s %s)"
          % (args.out, len(p["resource_schemas"]), len(p["data_source_schemas"]),
             len(text.encode("utf-8")), args.provider, version))
    return 0


def _types_of(doc):
    """{(kind, name): schema} for a data document ('provider' kind for the config)."""
    out = {}
    for paddr, p in (doc.get("provider_schemas") or {}).items():
        if "provider" in p:
            out[("provider", paddr)] = p["provider"]
        for kind, key in KINDS.items():
            for name, s in (p.get(key) or {}).items():
                out[(kind, name)] = s
    return out


def _label(key):
    kind, name = key
    return "provider config" if kind == "provider" else "%s %s" % (kind, name)


def cmd_check(args):
    _, fresh = generate(args)
    hint = ("regenerate with: tools/tap-schema.py extract --from DUMP --types %s --out %s"
            % (args.types, args.out))
    try:
        with open(args.out, encoding="utf-8", newline="") as f:
            current = f.read()
    except OSError:
        print("DRIFT: %s is missing; %s" % (args.out, hint))
        return 1
    if current == fresh:
        print("ok: %s is up to date" % args.out)
        return 0
    print("DRIFT: %s differs from what %s and %s produce"
          % (args.out, os.path.basename(args.dump), args.types))
    try:
        old_types = _types_of(json.loads(current))
    except ValueError:
        old_types = None
        print("  (checked-in file is not valid JSON)")
    if old_types is not None:
        new_types = _types_of(json.loads(fresh))
        keys = sorted(set(old_types) | set(new_types))
        for key in keys:
            if key not in old_types:
                print("  missing from file: %s" % _label(key))
            elif key not in new_types:
                print("  extra in file:     %s" % _label(key))
            elif old_types[key] != new_types[key]:
                print("  differs:           %s" % _label(key))
    lines = list(difflib.unified_diff(current.splitlines(), fresh.splitlines(),
                                      "checked-in/" + os.path.basename(args.out),
                                      "regenerated/" + os.path.basename(args.out),
                                      lineterm="", n=2))
    limit = 40
    for line in lines[:limit]:
        print(line)
    if len(lines) > limit:
        print("... (%d more diff lines)" % (len(lines) - limit))
    print(hint)
    return 1


def _flags(a):
    for combo in (("required",), ("optional", "computed"), ("optional",), ("computed",)):
        if all(a.get(f) for f in combo):
            return "+".join(combo)
    return "none"


def _type_str(a):
    if "nested_type" in a:
        return "nested %s" % (a["nested_type"].get("nesting_mode", "?"))
    return json.dumps(a.get("type"), separators=(",", ":"))


def _diff_attr(name, old, new, out):
    path = "attribute " + name
    if _flags(old) != _flags(new):
        out.append("~ %s: %s -> %s" % (path, _flags(old), _flags(new)))
    if _type_str(old) != _type_str(new):
        out.append("~ %s: type %s -> %s" % (path, _type_str(old), _type_str(new)))
    for flag in ("sensitive", "deprecated", "write_only"):
        if bool(old.get(flag)) != bool(new.get(flag)):
            out.append("~ %s: %s %s -> %s" % (path, flag, bool(old.get(flag)), bool(new.get(flag))))
    for k in sorted((set(old) | set(new)) & KEEP_X_KEYS):
        if old.get(k) != new.get(k):
            out.append("~ %s: %s %s -> %s" % (path, k, old.get(k), new.get(k)))
    if "nested_type" in old and "nested_type" in new:
        _diff_attrs(name + ".", old["nested_type"].get("attributes") or {},
                    new["nested_type"].get("attributes") or {}, out)


def _diff_attrs(prefix, old, new, out):
    for name in sorted(set(old) | set(new)):
        path = prefix + name
        if name not in old:
            out.append("+ attribute %s (%s, %s)" % (path, _type_str(new[name]), _flags(new[name])))
        elif name not in new:
            out.append("- attribute %s" % path)
        else:
            _diff_attr(path, old[name], new[name], out)


def _block_desc(t):
    mn, mx = t.get("min_items", 0), t.get("max_items")
    return "%s, %s..%s" % (t.get("nesting_mode", "?"), mn, "*" if mx is None else mx)


def _diff_block(prefix, old, new, out):
    oa, na = old.get("attributes") or {}, new.get("attributes") or {}
    ob, nb = old.get("block_types") or {}, new.get("block_types") or {}
    # An argument that moved between attribute and block form.
    for name in sorted((set(oa) & set(nb)) | (set(ob) & set(na))):
        kind_old = "attribute" if name in oa else "block"
        kind_new = "attribute" if name in na else "block"
        if kind_old != kind_new:
            out.append("~ %s%s: %s -> %s" % (prefix, name, kind_old, kind_new))
    moved = (set(oa) & set(nb)) | (set(ob) & set(na))
    _diff_attrs(prefix, {k: v for k, v in oa.items() if k not in moved},
                {k: v for k, v in na.items() if k not in moved}, out)
    for name in sorted(set(ob) | set(nb)):
        if name in moved:
            continue
        path = prefix + name
        if name not in ob:
            out.append("+ block %s (%s)" % (path, _block_desc(nb[name])))
        elif name not in nb:
            out.append("- block %s" % path)
        else:
            o, n = ob[name], nb[name]
            if _block_desc(o) != _block_desc(n):
                out.append("~ block %s: %s -> %s" % (path, _block_desc(o), _block_desc(n)))
            for k in sorted((set(o) | set(n)) & KEEP_X_KEYS):
                if o.get(k) != n.get(k):
                    out.append("~ block %s: %s %s -> %s" % (path, k, o.get(k), n.get(k)))
            _diff_block(path + ".", o.get("block") or {}, n.get("block") or {}, out)


def diff_docs(old, new):
    """Return a list of human-readable lines describing old -> new."""
    lines = []
    ot, nt = old.get("x_tap") or {}, new.get("x_tap") or {}
    ov, nv = ot.get("provider_version", "?"), nt.get("provider_version", "?")
    lines.append("provider %s: %s -> %s" % (nt.get("provider") or ot.get("provider") or "?", ov, nv))
    old_types, new_types = _types_of(old), _types_of(new)
    added = sorted(k for k in new_types if k not in old_types)
    removed = sorted(k for k in old_types if k not in new_types)
    for key in added:
        lines.append("+ %s" % _label(key))
    for key in removed:
        lines.append("- %s" % _label(key))
    changed = 0
    for key in sorted(set(old_types) & set(new_types)):
        o, n = old_types[key], new_types[key]
        if o == n:
            continue
        detail = []
        if o.get("version") != n.get("version"):
            detail.append("~ schema version %s -> %s" % (o.get("version"), n.get("version")))
        _diff_block("", o.get("block") or {}, n.get("block") or {}, detail)
        if not detail:
            detail.append("~ (other changes)")
        changed += 1
        lines.append("~ %s" % _label(key))
        lines.extend("    " + d for d in detail)
    lines.append("summary: %d added, %d removed, %d changed"
                 % (len(added), len(removed), changed))
    return lines


def cmd_diff(args):
    old, new = load_json(args.old), load_json(args.new)
    lines = diff_docs(old, new)
    print("\n".join(lines))
    different = old != new
    return 1 if (args.exit_code and different) else 0


# --------------------------------------------------------------------------
# command line


def parser():
    p = argparse.ArgumentParser(
        prog="tap-schema.py",
        description="Make, check and compare tap's trimmed provider-schema data file "
                    "(Terraform `providers schema -json` layout).",
        epilog="Exit codes: 0 ok, 1 drift/differences, 2 bad input.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def gen_args(sp):
        sp.add_argument("--from", dest="dump", required=True, metavar="DUMP",
                        help="`terraform providers schema -json` output (.json or .json.gz)")
        sp.add_argument("--types", required=True, metavar="TYPES",
                        help="types file: `resource NAME` / `data NAME` per line, # comments")
        sp.add_argument("--out", required=True, metavar="OUT",
                        help="the data file (written by extract, compared by check)")
        sp.add_argument("--provider", default=DEFAULT_PROVIDER, metavar="ADDR",
                        help="provider address in the dump (default: %(default)s)")
        sp.add_argument("--provider-version", metavar="VERSION",
                        help="provider version; required unless the dump has "
                             "x_meta.provider_version")

    e = sub.add_parser("extract", help="write the trimmed data file",
                       description="Write the trimmed data file from a schema dump.")
    gen_args(e)
    e.set_defaults(func=cmd_extract)

    c = sub.add_parser("check", help="verify the data file matches the dump and types",
                       description="Regenerate in memory and compare with --out. "
                                   "Exit 0 if identical, 1 on drift.")
    gen_args(c)
    c.set_defaults(func=cmd_check)

    d = sub.add_parser("diff", help="summarise changes between two data files",
                       description="Summarise what changed between two data files "
                                   "(types, attributes, blocks, nesting).")
    d.add_argument("--old", required=True, help="older data file")
    d.add_argument("--new", required=True, help="newer data file")
    d.add_argument("--exit-code", action="store_true",
                   help="exit 1 if the files differ")
    d.set_defaults(func=cmd_diff)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ToolError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
