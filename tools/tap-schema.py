#!/usr/bin/env python3
"""tap-schema: make and check tap's provider-schema data file.

tap's proc macros check resources at compile time against provider schemas
in the layout of `terraform providers schema -json`: the providers embedded in
tap-macros (whole, gzipped), and the files a crate lists in its tap.toml.
`fetch` writes such a file; `extract` trims a large dump to a list of types,
`check` detects drift of a trimmed file, `diff` compares two versions.

Subcommands:

  extract  Read a `terraform providers schema -json` dump (plain or .gz),
           keep the listed types, drop descriptions, write the data file.
  check    Regenerate in memory and compare with the checked-in data file.
           Exit 0 if identical, 1 on drift.
  diff     Summarise what changed between two data files (for provider
           upgrades): types added/removed, attributes and blocks
           added/removed/changed.
  fetch    For a crate: run `terraform init` and `terraform providers schema
           -json` for the given providers in a temporary directory, write the
           whole output to CRATE/schema/NAME.json.gz (gzip, deterministic) and
           list that file in CRATE/tap.toml, where the crate's tap macros
           look for schemas.

Typical use (from the repository root):

  tools/tap-schema.py fetch --crate examples/k8s-stack \\
      --provider hashicorp/kubernetes='~> 2.38'
  terraform providers schema -json > dump.json
  tools/tap-schema.py extract --from dump.json --provider-version 1.4.0 \\
      --provider registry.terraform.io/acme/internal \\
      --types types.txt --out schema/internal-1.4.0.json

Output format: the Terraform layout (format_version, provider_schemas ->
provider address -> provider / resource_schemas / data_source_schemas) with
`description` and `description_kind` removed, fact-carrying `x_` extension
keys kept (x_maybe_attribute, x_required, x_cdktf_any, x_block_in_provider,
x_not_in_cdktf_synth), provenance-only ones dropped (x_cdktf, x_meta), and a
top-level "x_tap" header {provider, provider_version, source}.  Written as
json.dumps(indent=1, sort_keys=True) plus a newline, so the same input always
gives the same bytes.

fetch, for a crate that uses other providers:

  tools/tap-schema.py fetch --crate path/to/crate \\
      --provider hashicorp/kubernetes='~> 2.38' --provider hashicorp/helm='~> 2.17'

Exit codes: 0 success, 1 drift (check), differences (diff --exit-code) or
terraform failing / lacking a provider (fetch), 2 bad input or usage.
Only the Python 3 standard library is used.
"""

import argparse
import difflib
import gzip
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

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
# fetch: run terraform for a crate and record the schema in its tap.toml


class Failure(Exception):
    """Terraform failed or gave unusable output; reported with exit code 1."""


TAP_TOML = "tap.toml"
TAP_TOML_HEADER = "# tap.toml: the provider schemas that tap's macros check this crate against.\n"
PROVIDER_FORM = ("expected SOURCE=CONSTRAINT, SOURCE being NAMESPACE/TYPE or "
                 "HOST/NAMESPACE/TYPE and CONSTRAINT a Terraform version constraint "
                 "or empty, e.g. --provider hashicorp/kubernetes='~> 2.38'")

_SEGMENT = r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?"
SOURCE_RE = re.compile(r"^(?:(%s)/)?(%s)/(%s)$" % (_HOST, _SEGMENT, _SEGMENT))
# One term of a version constraint: `~> 2.38`, `>= 1.2.0-beta1`, `3.6.0`.
CONSTRAINT_TERM_RE = re.compile(
    r"^\s*(?:=|!=|>=|<=|>|<|~>)?\s*v?[0-9]+(?:\.[0-9]+){0,2}"
    r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\s*$")
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
BARE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_provider_arg(value):
    """`SOURCE=CONSTRAINT` -> {source, namespace, type, local, constraint}."""
    def bad(why):
        return ToolError("--provider %r: %s; %s" % (value, why, PROVIDER_FORM))
    if "=" not in value:
        raise bad("no `=`")
    source, constraint = value.split("=", 1)
    source, constraint = source.strip(), constraint.strip()
    m = SOURCE_RE.match(source)
    if not m:
        raise bad("bad source address %r" % source)
    if constraint and not all(CONSTRAINT_TERM_RE.match(t) for t in constraint.split(",")):
        raise bad("bad version constraint %r" % constraint)
    return {"source": source, "namespace": m.group(2), "type": m.group(3),
            "local": m.group(3), "constraint": constraint}


def toml_string(s):
    """A TOML basic string."""
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\t\n\f\r":
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                        "\r": "\\r"}[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"%s"' % "".join(out)


def toml_key(s):
    return s if BARE_KEY_RE.match(s) else toml_string(s)


def schema_entry(path, versions):
    """The `[[schema]]` table for tap.toml, as lines (no line endings)."""
    lines = ["[[schema]]", "path = %s" % toml_string(path)]
    if versions:
        lines.append("versions = { %s }" % ", ".join(
            "%s = %s" % (toml_key(k), toml_string(v)) for k, v in versions))
    return lines


def _same_path(a, b):
    return posixpath.normpath(a.replace("\\", "/")) == posixpath.normpath(b)


def plan_tap_toml(toml_path, entry_path, versions):
    """Decide what tap.toml becomes.

    Returns (new_bytes or None when it already lists entry_path, existing entry
    or None).  Raises ToolError if the file does not parse or cannot take a
    `[[schema]]` table.
    """
    try:
        with open(toml_path, "rb") as f:
            old = f.read()
    except FileNotFoundError:
        old = None
    except OSError as e:
        raise ToolError("cannot read %s: %s" % (toml_path, e.strerror or e))
    if old is None:
        base = TAP_TOML_HEADER.encode("utf-8")
        newline = "\n"
    else:
        try:
            text = old.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ToolError("%s: not UTF-8: %s" % (toml_path, e))
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise ToolError("%s: not valid TOML: %s" % (toml_path, e))
        schemas = data.get("schema", [])
        if not (isinstance(schemas, list) and all(isinstance(s, dict) for s in schemas)):
            raise ToolError("%s: `schema` must be an array of tables (`[[schema]]`)"
                            % toml_path)
        for s in schemas:
            if isinstance(s.get("path"), str) and _same_path(s["path"], entry_path):
                return None, s
        base = old
        newline = "\r\n" if b"\r\n" in old else "\n"
        if base and not base.endswith(b"\n"):
            base += newline.encode("utf-8")
    sep = newline if base else ""
    new = base + (sep + newline.join(schema_entry(entry_path, versions)) + newline).encode("utf-8")
    # Appending must give a file that parses and lists the entry (it would
    # not after, say, a top-level `schema = [...]` array).
    try:
        check = tomllib.loads(new.decode("utf-8"))
        ok = any(isinstance(s, dict) and s.get("path") == entry_path
                 for s in check.get("schema", []))
    except (tomllib.TOMLDecodeError, AttributeError, TypeError):
        ok = False
    if not ok:
        raise ToolError("%s: cannot append a `[[schema]]` table to it; add this by hand:\n%s"
                        % (toml_path, "\n".join(schema_entry(entry_path, versions))))
    return new, None


def write_atomic(path, data):
    """Write bytes to path via a temporary file in the same directory."""
    try:
        _write_atomic(path, data)
    except OSError as e:
        raise Failure("cannot write %s: %s" % (path, e.strerror or e))


def _write_atomic(path, data):
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = None
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def gzip_json(doc):
    """Deterministic gzipped compact JSON: sorted keys, mtime 0, no file name."""
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)
    return buf.getvalue()


def terraform_config(providers):
    req = {}
    for p in providers:
        entry = {"source": p["source"]}
        if p["constraint"]:
            entry["version"] = p["constraint"]
        req[p["local"]] = entry
    return json.dumps({"terraform": {"required_providers": req}},
                      indent=2, sort_keys=True) + "\n"


def find_terraform(requested):
    if requested is not None:
        found = shutil.which(requested)
        if not found:
            raise ToolError("--terraform %s: not found or not executable" % requested)
    else:
        found = shutil.which("terraform")
        if not found:
            raise ToolError("Terraform is needed to fetch provider schemas and `terraform` "
                            "is not on PATH; install Terraform, or pass "
                            "--terraform PATH to point at its executable")
    # terraform runs in a temporary directory: a relative path would break there
    return os.path.abspath(found)


def run_terraform(terraform, argv, cwd, env):
    try:
        r = subprocess.run([terraform] + argv, cwd=cwd, env=env,
                           stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        raise ToolError("cannot run %s: %s" % (terraform, e.strerror or e))
    if r.returncode != 0:
        err = r.stderr.decode("utf-8", "replace") or r.stdout.decode("utf-8", "replace")
        sys.stderr.write(err if err.endswith("\n") or not err else err + "\n")
        raise Failure("`terraform %s` failed (exit %d); nothing written"
                      % (" ".join(argv), r.returncode))
    return r.stdout


def locked_versions(workdir):
    """{provider address (lower case): version} from .terraform.lock.hcl, if any."""
    try:
        with open(os.path.join(workdir, ".terraform.lock.hcl"), encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    for m in re.finditer(r'^provider\s+"([^"]+)"\s*\{(.*?)^\}', text, re.M | re.S):
        v = re.search(r'^\s*version\s*=\s*"([^"]*)"', m.group(2), re.M)
        if v:
            out[m.group(1).lower()] = v.group(1)
    return out


def check_schema_output(raw, providers):
    """Parse `providers schema -json` output; return (doc, {local: address})."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Failure("`terraform providers schema -json` did not print valid JSON: %s; "
                      "nothing written" % e)
    if not isinstance(doc, dict):
        raise Failure("`terraform providers schema -json` printed no JSON object; "
                      "nothing written")
    missing = [k for k in ("format_version", "provider_schemas") if k not in doc]
    if missing or not isinstance(doc["provider_schemas"], dict):
        raise Failure("`terraform providers schema -json` output has no %s; nothing written"
                      % (" / ".join("`%s`" % k for k in missing) or "`provider_schemas` object"))
    schemas = doc["provider_schemas"]
    found, absent = {}, []
    for p in providers:
        suffix = ("/%s/%s" % (p["namespace"], p["type"])).lower()
        keys = sorted(k for k in schemas if k.lower().endswith(suffix)
                      and isinstance(schemas[k], dict))
        exact = [k for k in keys if k.lower() == p["source"].lower()]
        if exact or keys:
            found[p["local"]] = (exact or keys)[0]
        else:
            absent.append(p["source"])
    if absent:
        raise Failure("`terraform providers schema -json` output lacks provider %s "
                      "(it has: %s); nothing written"
                      % (", ".join(absent), ", ".join(sorted(schemas)) or "none"))
    return doc, found


def cmd_fetch(args):
    providers = [parse_provider_arg(v) for v in args.provider]
    seen = {}
    for p in providers:
        if p["local"] in seen:
            raise ToolError("--provider %s and %s have the same local name `%s`; fetch "
                            "them in separate calls with different --name"
                            % (seen[p["local"]], p["source"], p["local"]))
        seen[p["local"]] = p["source"]
    name = providers[0]["local"] if args.name is None else args.name
    if not NAME_RE.match(name) or name.endswith((".json", ".gz")):
        raise ToolError("--name %r: expected a file stem such as `kubernetes` "
                        "(letters, digits, `_`, `-`, `.`; no .json/.gz)" % name)
    crate = args.crate
    if not os.path.isdir(crate):
        raise ToolError("--crate %s: no such directory" % crate)
    if not os.path.isfile(os.path.join(crate, "Cargo.toml")):
        raise ToolError("--crate %s: no Cargo.toml there; pass the directory of the "
                        "crate whose tap macros read the schema" % crate)
    rel = "schema/%s.json.gz" % name
    out_path = os.path.join(crate, "schema", name + ".json.gz")
    toml_path = os.path.join(crate, TAP_TOML)
    versions = [(p["local"], p["constraint"]) for p in providers if p["constraint"]]
    plan_tap_toml(toml_path, rel, versions)        # fail early on a bad tap.toml
    terraform = find_terraform(args.terraform)

    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    with tempfile.TemporaryDirectory(prefix="tap-schema-fetch-") as work:
        with open(os.path.join(work, "main.tf.json"), "w", encoding="utf-8",
                  newline="\n") as f:
            f.write(terraform_config(providers))
        print("running `terraform init` for %s (downloads the providers) ..."
              % ", ".join(p["source"] for p in providers), file=sys.stderr)
        run_terraform(terraform, ["init", "-input=false", "-no-color"], work, env)
        raw = run_terraform(terraform, ["providers", "schema", "-json"], work, env)
        locked = locked_versions(work)
    doc, found = check_schema_output(raw, providers)

    try:
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
    except OSError as e:
        raise Failure("cannot create %s: %s" % (os.path.dirname(out_path), e.strerror or e))
    write_atomic(out_path, gzip_json(doc))
    for p in providers:
        addr = found[p["local"]]
        s = doc["provider_schemas"][addr]
        version = locked.get(addr.lower())
        print("%s: %s%s, %d resource types, %d data sources -> %s"
              % (p["local"], addr, " " + version if version else "",
                 len(s.get("resource_schemas") or {}), len(s.get("data_source_schemas") or {}),
                 out_path))

    new, existing = plan_tap_toml(toml_path, rel, versions)
    if new is None:
        print("%s already lists %s; left unchanged" % (toml_path, rel))
        if dict(versions) != (existing.get("versions") or {}):
            print("warning: its versions %s differ from the requested %s; edit %s if needed"
                  % (json.dumps(existing.get("versions") or {}, sort_keys=True),
                     json.dumps(dict(versions), sort_keys=True), toml_path),
                  file=sys.stderr)
    else:
        created = not os.path.exists(toml_path)
        write_atomic(toml_path, new)
        print("%s %s: [[schema]] path = %s" % ("created" if created else "updated",
                                               toml_path, toml_string(rel)))
    return 0


# --------------------------------------------------------------------------
# command line


def parser():
    p = argparse.ArgumentParser(
        prog="tap-schema.py",
        description="Make, check and compare tap's trimmed provider-schema data file "
                    "(Terraform `providers schema -json` layout), and fetch a crate's "
                    "provider schemas with terraform.",
        epilog="Exit codes: 0 ok, 1 drift/differences/terraform failure, 2 bad input.")
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

    f = sub.add_parser(
        "fetch", help="run terraform and store a provider schema for a crate",
        description="Write the `terraform providers schema -json` output for the given "
                    "providers to CRATE/schema/NAME.json.gz (gzipped, deterministic, "
                    "untrimmed) and list it in CRATE/tap.toml.  Runs `terraform init` "
                    "in a temporary directory, so it downloads the providers.",
        epilog="Exit codes: 0 ok, 1 terraform failed or its output lacks a provider "
               "(nothing written), 2 bad input.")
    f.add_argument("--crate", required=True, metavar="DIR",
                   help="the crate directory (holds Cargo.toml; tap.toml goes next to it)")
    f.add_argument("--provider", required=True, action="append", metavar="SOURCE=CONSTRAINT",
                   help="provider source (NAMESPACE/TYPE or HOST/NAMESPACE/TYPE) and "
                        "version constraint, which may be empty: "
                        "hashicorp/kubernetes='~> 2.38'; repeatable")
    f.add_argument("--name", metavar="NAME",
                   help="file stem of the schema file (default: the first provider's "
                        "local name, e.g. kubernetes)")
    f.add_argument("--terraform", metavar="PATH",
                   help="the terraform executable (default: `terraform` on PATH)")
    f.set_defaults(func=cmd_fetch)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ToolError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    except Failure as e:
        print("error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
