#!/usr/bin/env python3
"""tap-sensitive: which provider arguments are sensitive or write-only.

The embedded provider schemas (tap-macros/schema/providers/) come from
bindings that drop Terraform's `sensitive` and `write_only` flags. This tool
takes them from the provider's own Go source instead: every schema entry
marked `Sensitive: true` or `WriteOnly: true`, in both styles

  SDKv2:             "password": { Type: schema.TypeString, Sensitive: true }
  plugin framework:  "password": schema.StringAttribute{ Sensitive: true }

with the path of enclosing schema keys for nested blocks and nested
attributes (`user.password`). Keys written as Go constants
(`names.AttrPassword`) are resolved through the `const` declarations of the
source tree. A path is attributed to a Terraform type through

  * the aws provider's registration annotations (`@SDKResource("aws_x"`,
    `@FrameworkResource("aws_x"`, `@SDKDataSource`, `@FrameworkDataSource`)
    in the comment before the function that builds the schema (or, when a
    file has one annotation, the whole file);
  * the framework's `Metadata` method (`resp.TypeName =
    req.ProviderTypeName + "_password"`, `response.TypeName =
    "aws_cognito_user_pool_client"`, or `= "tls"` for the provider
    itself), whose request type says resource, data source, provider or
    ephemeral resource (ephemeral resources are skipped: they have no
    arguments in a configuration body);
  * SDKv2's `ResourcesMap` / `DataSourcesMap` entries
    (`"null_resource": resource()`), by the function they call.

Every path is then checked against the embedded schema of the same provider
version: only paths that name an attribute there are kept, and what was
dropped is counted (in the output's `coverage`).

Usage (from the repository root), on a bare git directory or a checkout:

  tools/tap-sensitive.py extract --repo DIR --ref v3.7.2 \\
      --schema SCHEMA.json.gz --origin hashicorp/terraform-provider-random \\
      --out tap-core/providers/sensitive/random.json
  tools/tap-sensitive.py unreachable --schema SCHEMA.json.gz \\
      --origin hashicorp/terraform-provider-aws --ref v6.25.0 \\
      --reason "..." --out tap-core/providers/sensitive/aws.json

Output: JSON with sorted keys and one-space indent:
  {"origin": {repository, ref, commit, date, licence, command, status, note},
   "provider": "registry.terraform.io/hashicorp/random", "version": "3.7.2",
   "coverage": {"found": N, "kept": N, "dropped": N, "dropped_paths": [...]},
   "counts": {"sensitive": N, "write_only": N},
   "provider_config": {"sensitive": [...], "write_only": [...]},
   "resources": {"random_password": {"sensitive": ["bcrypt_hash", "result"]}},
   "data_sources": {...}}

Exit codes: 0 written, 2 bad input. Only the Python standard library is used.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import subprocess
import sys

LICENCE = "MPL-2.0"
FLAGS = {"Sensitive": "sensitive", "WriteOnly": "write_only"}


class ToolError(Exception):
    """An input or usage problem; reported on stderr with exit code 2."""


# --------------------------------------------------------------------------
# Go source: a tokenizer just good enough for composite literals


TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>[0-9][0-9A-Za-z_.]*)
  | (?P<op>:=|&&|\|\||==|!=|<=|>=|\.\.\.|[{}()\[\].,:;&*=+\-/<>!|^%])
  | (?P<other>.)
    """,
    re.S | re.X,
)


def tokens(text):
    """(kind, text, line) for every token; comments are kept (annotations live there)."""
    line = 1
    out = []
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        value = m.group()
        if kind != "ws":
            out.append((kind, value, line))
        line += value.count("\n")
    return out


def go_string(token):
    kind, value, _ = token
    if kind == "str":
        try:
            return json.loads(value)
        except ValueError:
            return value[1:-1]
    if kind == "raw":
        return value[1:-1]
    return None


CONST_DECL = re.compile(r'^\s*([A-Z_a-z][A-Za-z0-9_]*)\s*(?:string\s*)?=\s*"([^"\\]*)"', re.M)


def constants(files):
    """`const` string values by (package directory, name), from every file."""
    out = {}
    for path, text in files.items():
        package = os.path.basename(os.path.dirname(path))
        for block in re.finditer(r"\bconst\s*\((.*?)\n\)", text, re.S):
            for m in CONST_DECL.finditer(block.group(1)):
                out[(package, m.group(1))] = m.group(2)
        for m in re.finditer(r'\bconst\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:string\s*)?=\s*"([^"\\]*)"', text):
            out[(package, m.group(1))] = m.group(2)
    return out


def key_before(toks, i, consts, package):
    """The schema key of the composite literal opened at toks[i] (`{`), or None.

    Walks back over the literal's type (`schema.StringAttribute`, `&schema.Schema`,
    nothing at all) to `KEY :`, where KEY is a string or a string constant.
    """
    j = i - 1
    while j >= 0 and (toks[j][0] == "ident" or toks[j][1] in (".", "&", "*", "[", "]")):
        if toks[j][1] == "]" or toks[j][1] == "[":
            return None  # a slice or map type: not a keyed schema entry
        j -= 1
    if j < 1 or toks[j][1] != ":":
        return None
    k = j - 1
    s = go_string(toks[k])
    if s is not None:
        return s
    if toks[k][0] != "ident":
        return None
    if k >= 2 and toks[k - 1][1] == "." and toks[k - 2][0] == "ident":
        return consts.get((toks[k - 2][1], toks[k][1]))
    return consts.get((package, toks[k][1]))


ANNOTATION = re.compile(r"@(SDKResource|FrameworkResource|SDKDataSource|FrameworkDataSource)\(\s*\"([a-z0-9_]+)\"")
METADATA = re.compile(
    r"func\s*\(\s*\w+\s+\*?(\w+)\s*\)\s*Metadata\s*\([^)]*?\b(resource|datasource|provider|ephemeral)\.MetadataRequest"
)
TYPENAME = re.compile(r'(?:resp|response)\.TypeName\s*=\s*(?:\w+\.ProviderTypeName\s*\+\s*)?"([a-z0-9_]+)"')


def marks(path, text, consts):
    """Every flagged schema entry in one file: (flag, key path, line, function)."""
    package = os.path.basename(os.path.dirname(path))
    toks = tokens(text)
    out = []
    stack = []  # one entry per open brace: its schema key or None
    func = None  # (name, receiver type, brace depth) of the enclosing top-level func
    for i, tok in enumerate(toks):
        kind, value, line = tok
        if kind == "ident" and value == "func" and not stack:
            receiver, name = None, None
            j = i + 1
            if j < len(toks) and toks[j][1] == "(":
                # a method: func (r *thing) Name(
                depth, j = 0, j
                while j < len(toks):
                    if toks[j][1] == "(":
                        depth += 1
                    elif toks[j][1] == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    elif toks[j][0] == "ident":
                        receiver = toks[j][1]
                    j += 1
                j += 1
            if j < len(toks) and toks[j][0] == "ident":
                name = toks[j][1]
            func = (name, receiver, line)
        elif value == "{":
            stack.append(key_before(toks, i, consts, package))
        elif value == "}":
            if stack:
                stack.pop()
        elif kind == "ident" and value in FLAGS:
            if i + 2 < len(toks) and toks[i + 1][1] == ":" and toks[i + 2][1] == "true":
                keys = [k for k in stack if k is not None]
                if keys:
                    out.append((FLAGS[value], tuple(keys), line, func))
    return out


def functions(text):
    """Top-level functions: name -> (first line, last line, receiver type, doc comment)."""
    toks = tokens(text)
    out = {}
    depth = 0
    i = 0
    while i < len(toks):
        kind, value, line = toks[i]
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif kind == "ident" and value == "func" and depth == 0:
            doc = []
            k = i - 1
            while k >= 0 and toks[k][0] == "comment":
                doc.insert(0, toks[k][1])
                k -= 1
            receiver, name = None, None
            j = i + 1
            if toks[j][1] == "(":
                d = 0
                while j < len(toks):
                    if toks[j][1] == "(":
                        d += 1
                    elif toks[j][1] == ")":
                        d -= 1
                        if d == 0:
                            break
                    elif toks[j][0] == "ident":
                        receiver = toks[j][1]
                    j += 1
                j += 1
            name = toks[j][1] if j < len(toks) else None
            # the body: the first `{` at depth 0 after the signature, to its match
            while j < len(toks) and toks[j][1] != "{":
                j += 1
            d, start, end = 0, toks[j][2] if j < len(toks) else line, line
            while j < len(toks):
                if toks[j][1] == "{":
                    d += 1
                elif toks[j][1] == "}":
                    d -= 1
                    if d == 0:
                        end = toks[j][2]
                        break
                j += 1
            out.setdefault(name if receiver is None else "%s.%s" % (receiver, name), (line, end, receiver, "\n".join(doc)))
            i = j + 1  # past the body's closing brace
            continue
        i += 1
    return out


# --------------------------------------------------------------------------
# which Terraform type a flagged path belongs to


def registrations(files):
    """Function name -> (mode, type) from SDKv2 `ResourcesMap`/`DataSourcesMap` entries."""
    out = {}
    for text in files.values():
        for m in re.finditer(r"\b(ResourcesMap|DataSourcesMap)\s*:\s*map\[string\]\*schema\.Resource\s*\{(.*?)\n\s*\}", text, re.S):
            mode = "resources" if m.group(1) == "ResourcesMap" else "data_sources"
            for e in re.finditer(r'"([a-z0-9_]+)"\s*:\s*(?:\w+\.)?(\w+)\(\)', m.group(2)):
                out[e.group(2)] = (mode, e.group(1))
    return out


def attribute(path, text, found, registered, provider_name):
    """Yield (mode, type, flag, key path) for the flagged entries of one file."""
    funcs = functions(text)
    annotated = []  # (first line, last line, mode, type)
    for name, (first, last, receiver, doc) in funcs.items():
        for m in ANNOTATION.finditer(doc):
            mode = "data_sources" if "DataSource" in m.group(1) else "resources"
            annotated.append((first, last, mode, m.group(2)))
    # framework: the Metadata method of each receiver type says its type name and kind
    by_receiver = {}
    for m in METADATA.finditer(text):
        body = text[m.end(): m.end() + 400]
        t = TYPENAME.search(body)
        if not t:
            continue
        kind = m.group(2)
        if kind == "provider":
            by_receiver[m.group(1)] = ("provider", None)
        elif kind == "ephemeral":
            by_receiver[m.group(1)] = ("ephemeral", None)
        else:
            suffix = t.group(1)
            type_name = suffix if suffix.startswith(provider_name + "_") or suffix == provider_name else provider_name + suffix
            by_receiver[m.group(1)] = ("resources" if kind == "resource" else "data_sources", type_name)
    single_receiver = len(set(by_receiver.values())) == 1
    for flag, keys, line, func in found:
        target = None
        for first, last, mode, type_name in annotated:
            if first <= line <= last:
                target = (mode, type_name)
        if target is None and len({(m, t) for _, _, m, t in annotated}) == 1:
            target = annotated[0][2:]
        name, receiver, _ = func or (None, None, None)
        if target is None and receiver in by_receiver:
            target = by_receiver[receiver]
        if target is None and name in registered:
            target = registered[name]
        if target is None and single_receiver:
            target = next(iter(by_receiver.values()))
        if target is None:
            yield (None, None, flag, keys, "%s:%d" % (path, line))
        elif target[0] == "ephemeral":
            continue
        else:
            yield (target[0], target[1], flag, keys, "%s:%d" % (path, line))


# --------------------------------------------------------------------------
# the embedded schema: which paths exist


def load_schema(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ToolError("cannot read schema %s: %s" % (path, e.strerror or e))
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    doc = json.loads(raw)
    providers = doc.get("provider_schemas") or {}
    if len(providers) != 1:
        raise ToolError("schema %s: expected one provider, found %d" % (path, len(providers)))
    (address, schema), = providers.items()
    version = (doc.get("x_meta") or {}).get("provider_version", "")
    return address, version, schema


def names_attribute(block, keys):
    """Does `keys` name an attribute of `block` (through nested blocks and nested attributes)?"""
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        attrs = block.get("attributes") or {}
        if key in attrs:
            if last:
                return True
            nested = attrs[key].get("nested_type")
            if not nested:
                return False
            block = {"attributes": nested.get("attributes") or {}}
            continue
        blocks = block.get("block_types") or {}
        if key in blocks and not last:
            block = blocks[key].get("block") or {}
            continue
        return False
    return False


# --------------------------------------------------------------------------
# reading the source


def git(repo, *args):
    try:
        return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError) as e:
        raise ToolError("git %s in %s failed: %s" % (" ".join(args), repo, getattr(e, "stderr", b"").decode() or e))


def source_files(repo, ref):
    """The non-test `.go` files at `ref` of a git directory, or of a plain directory when ref is None."""
    files = {}
    if ref is None:
        for root, _, names in os.walk(repo):
            for n in names:
                if n.endswith(".go") and not n.endswith("_test.go"):
                    p = os.path.join(root, n)
                    with open(p, encoding="utf-8", errors="replace") as f:
                        files[os.path.relpath(p, repo)] = f.read()
        return files
    listing = git(repo, "ls-tree", "-r", "--name-only", ref).split("\n")
    wanted = [p for p in listing if p.endswith(".go") and not p.endswith("_test.go")]
    # one `git cat-file --batch` for all files instead of a process each
    proc = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input="".join("%s:%s\n" % (ref, p) for p in wanted).encode(), capture_output=True, check=True)
    data = proc.stdout
    pos = 0
    for p in wanted:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        size = int(header[2])
        files[p] = data[header_end + 1: header_end + 1 + size].decode("utf-8", "replace")
        pos = header_end + 1 + size + 1
    return files


def extract(files, schema_path, provider_name):
    """Walks the files; returns (entries, coverage): paths kept per type, what was dropped."""
    address, version, schema = load_schema(schema_path)
    consts = constants(files)
    registered = registrations(files)
    kept = {"provider_config": {}, "resources": {}, "data_sources": {}}
    found, dropped = set(), set()
    for path in sorted(files):
        text = files[path]
        if "Sensitive" not in text and "WriteOnly" not in text:
            continue
        flagged = marks(path, text, consts)
        if not flagged:
            continue
        for mode, type_name, flag, keys, where in attribute(path, text, flagged, registered, provider_name):
            dotted = ".".join(keys)
            found.add((mode, type_name, flag, dotted))
            if mode is None:
                dropped.add("%s ?: %s (%s: no type)" % (flag, dotted, where))
                continue
            if mode == "provider":
                block = (schema.get("provider") or {}).get("block") or {}
                bucket = kept["provider_config"]
            else:
                entry = (schema.get("resource_schemas" if mode == "resources" else "data_source_schemas") or {}).get(type_name)
                if entry is None:
                    dropped.add("%s %s: %s (%s: no such type)" % (flag, type_name, dotted, where))
                    continue
                block = entry.get("block") or {}
                bucket = kept[mode].setdefault(type_name, {})
            if names_attribute(block, keys):
                bucket.setdefault(flag, set()).add(dotted)
            else:
                label = "provider" if mode == "provider" else "%s %s" % ("data" if mode == "data_sources" else "resource", type_name)
                dropped.add("%s %s: %s (%s: not an attribute of the schema)" % (flag, label, dotted, where))
    def tidy(bucket):
        return {flag: sorted(paths) for flag, paths in sorted(bucket.items())}
    out = {
        "provider": address,
        "version": version,
        "provider_config": tidy(kept["provider_config"]),
        "resources": {t: tidy(b) for t, b in sorted(kept["resources"].items()) if b},
        "data_sources": {t: tidy(b) for t, b in sorted(kept["data_sources"].items()) if b},
    }
    counts = {"sensitive": 0, "write_only": 0}
    for bucket in [out["provider_config"], *out["resources"].values(), *out["data_sources"].values()]:
        for flag, paths in bucket.items():
            counts[flag] += len(paths)
    out["counts"] = counts
    # a path flagged in several schema versions of one file is one finding
    kept_count = counts["sensitive"] + counts["write_only"]
    out["coverage"] = {"found": kept_count + len(dropped), "kept": kept_count, "dropped": len(dropped), "dropped_paths": sorted(dropped)}
    return out


def render(doc):
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def command_line(args):
    parts = ["tools/tap-sensitive.py", args.cmd]
    for name in ("repo", "ref", "schema", "origin", "date", "reason", "note", "out"):
        value = getattr(args, name, None)
        if value is not None:
            shown = "DIR" if name == "repo" else value
            parts += ["--%s" % name, shown if re.fullmatch(r"[\w./:@+-]+", shown) else "'%s'" % shown.replace("'", "'\\''")]
    return " ".join(parts)


def cmd_extract(args):
    ref = args.ref
    commit, date = "", args.date or ""
    if ref is not None:
        commit = git(args.repo, "rev-parse", ref + "^{commit}").strip()
        if not date:
            date = git(args.repo, "log", "-1", "--format=%cs", commit).strip()
    files = source_files(args.repo, ref)
    provider_name = args.origin.rsplit("terraform-provider-", 1)[-1]
    doc = extract(files, args.schema, provider_name)
    doc["origin"] = {
        "repository": args.origin,
        "ref": ref or "",
        "commit": commit,
        "date": date,
        "licence": LICENCE,
        "status": "extracted",
        "command": command_line(args),
    }
    if args.note:
        doc["origin"]["note"] = args.note
    write(args.out, doc)
    c = doc["counts"]
    print("%s: %d sensitive, %d write-only; %d found, %d dropped" % (args.out, c["sensitive"], c["write_only"], doc["coverage"]["found"], doc["coverage"]["dropped"]))
    return 0


def cmd_unreachable(args):
    address, version, _ = load_schema(args.schema)
    doc = {
        "provider": address,
        "version": version,
        "origin": {
            "repository": args.origin,
            "ref": args.ref,
            "commit": "",
            "date": args.date or datetime.date.today().isoformat(),
            "licence": LICENCE,
            "status": "unreachable",
            "note": args.reason,
            "command": command_line(args),
        },
        "counts": {"sensitive": 0, "write_only": 0},
        "coverage": {"found": 0, "kept": 0, "dropped": 0, "dropped_paths": []},
        "provider_config": {},
        "resources": {},
        "data_sources": {},
    }
    write(args.out, doc)
    print("%s: source unreachable, no entries" % args.out)
    return 0


def write(path, doc):
    tmp = path + ".tmp"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(render(doc))
    os.replace(tmp, path)


def parser():
    p = argparse.ArgumentParser(prog="tap-sensitive.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract", help="read a provider's Go source, write the sensitive/write-only data")
    e.add_argument("--repo", required=True, help="a git directory (bare or not) or, without --ref, a plain source directory")
    e.add_argument("--ref", help="the tag or commit to read (the embedded version's tag)")
    e.add_argument("--schema", required=True, help="the embedded schema of the same version (.json or .json.gz)")
    e.add_argument("--origin", required=True, help="owner/name of the source repository, e.g. hashicorp/terraform-provider-random")
    e.add_argument("--date", help="the date to record (default: the commit's date)")
    e.add_argument("--note", help="what a reader should know of the source read (a fork, a commit other than the tag)")
    e.add_argument("--out", required=True)
    u = sub.add_parser("unreachable", help="record that a provider's source could not be read (no entries)")
    u.add_argument("--schema", required=True)
    u.add_argument("--origin", required=True)
    u.add_argument("--ref", required=True)
    u.add_argument("--reason", required=True)
    u.add_argument("--date")
    u.add_argument("--out", required=True)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return cmd_extract(args) if args.cmd == "extract" else cmd_unreachable(args)
    except ToolError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
