#!/usr/bin/env python3
"""tap's benchmark harness (standard library only).

Measures, on this machine, with the release build unless --quick:

  synth    synthesis of the default tap-stack: wall time and peak memory of
           the whole process (median, min, max of --runs runs, default 15)
  scale    synthesis of generated stacks of about 100, 1,000 and 10,000
           resources (bench/src/lib.rs, declared with #[stack]/resource!,
           validation and policy on): wall time, peak memory, time per resource
  compile  clean release build of the workspace; incremental debug rebuild of
           tap-stack after changing one attribute value (time, and peak memory
           of rustc); the debug rebuild time of a generated crate with one
           resource! invocation (the first #[stack] expansion of a rustc
           process, which loads the provider schemas), and with 50, 200 and
           800 invocations
  compare  this tree against a checkout of another commit (--baseline DIR),
           interleaved run by run (at least 7): incremental debug rebuild of
           tap-stack, the first #[stack] expansion, and the build of the
           `tap` crate itself; medians and the after/before ratio per pair
  types    a generated crate declaring --types N (default 300) distinct AWS
           resource types, one resource each, with only required arguments
           and blocks: debug build time (first build after tap's crates,
           median of 3 rebuilds), then runs it: the stack must synthesize
           (wall time of the process)

Wall time is measured around the child process (posix_spawn, no shell);
peak memory is the child's maximum resident set size as GNU time reports it
(Debian package `time`), in separate runs so it adds nothing to the timings.

  python3 scripts/bench.py                 # synth + scale (a few minutes)
  python3 scripts/bench.py compile         # compile costs (about 10 minutes)
  python3 scripts/bench.py types           # many resource types (a few minutes)
  python3 scripts/bench.py compare --baseline ../before --runs 7   # side by side with another commit
  python3 scripts/bench.py --quick         # CI: debug build, small sizes, 1 run; checks they run, no timing claims
  python3 scripts/bench.py --json out.json # also write the figures as JSON
"""
import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_measured(cmd, cwd=ROOT, env=None, memory=True):
    """Runs cmd once; returns (seconds, peak RSS in MiB, stdout).

    The peak RSS is measured by GNU time in a separate run: a process
    started from Python carries Python's own peak into its maximum RSS
    (Linux keeps the larger of the two across exec), while GNU time's
    child starts from a process of a few hundred kilobytes.
    """
    elapsed, out = run_timed(cmd, cwd, env)
    return elapsed, (peak_rss_mib(cmd, cwd, env) if memory else 0.0), out


def peak_rss_mib(cmd, cwd=ROOT, env=None, quiet=False):
    """Peak RSS of cmd in MiB; for a command that waits for children (cargo),
    the largest of them (rustc). quiet drops the command's stderr."""
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        sys.exit("peak memory needs GNU time: apt-get install time")
    with tempfile.NamedTemporaryFile(mode="r") as report:
        subprocess.run([gnu_time, "-f", "%M", "-o", report.name, *map(str, cmd)], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL if quiet else None)
        return int(report.read().split()[-1]) / 1024.0


def run_timed(cmd, cwd=ROOT, env=None):
    """Runs cmd once; returns (seconds, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        argv = [str(c) for c in cmd]
        exe = shutil.which(argv[0]) or argv[0]
        previous = os.getcwd()
        os.chdir(cwd)
        try:
            start = time.perf_counter()
            pid = os.posix_spawn(exe, argv, env if env is not None else os.environ, file_actions=actions)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - start
        finally:
            os.chdir(previous)
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            sys.exit(f"benchmark command failed ({code}): {' '.join(argv)}\n{err.read().decode()}")
        return elapsed, out.read().decode()


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def cargo(args, env=None):
    subprocess.run(["cargo", *args], cwd=ROOT, env=env, check=True)


def bin_path(profile, name):
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / profile / name


def bench_synth(profile, runs, memory=True):
    exe = bin_path(profile, "tap-stack")
    times, mems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t, m, _ = run_measured([exe, "--out-dir", tmp], memory=memory)
            times.append(t * 1000)
            mems.append(m)
    return {"wall_ms": summary(times), "peak_mib": summary(mems)}


def bench_scale(profile, sizes, runs, memory=True):
    exe = bin_path(profile, "tap-bench-scale")
    results = {}
    for size in sizes:
        times, mems, count = [], [], None
        for _ in range(runs):
            t, m, out = run_measured([exe, str(size)], memory=memory)
            count = json.loads(out)["resources"]
            times.append(t * 1000)
            mems.append(m)
        med = statistics.median(times)
        results[size] = {"resources": count, "wall_ms": summary(times), "peak_mib": summary(mems), "us_per_resource": med * 1000 / count}
    return results


def timed(cmd, cwd=ROOT, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_compile(invocation_counts):
    results = {}
    with tempfile.TemporaryDirectory() as target:
        env = dict(os.environ, CARGO_TARGET_DIR=target)
        results["clean_release_workspace_s"] = timed(["cargo", "build", "--release", "--workspace", "--locked"], env=env)
        results.update(bench_incremental(env))
        # One resource! invocation: the rustc process expands #[stack] once,
        # so the figure carries the cost of loading the provider schemas.
        results["first_expansion"] = bench_generated(Path(target), 1, env, rebuilds=5)
        # How compile time grows with the number of resource! invocations.
        results["generated_crate"] = {n: bench_generated(Path(target), n, env) for n in invocation_counts}
    return results


def bench_incremental(env):
    """Incremental debug rebuild of tap-stack after editing one attribute value:
    times, and the peak memory of rustc in separate runs."""
    timed(["cargo", "build", "-p", "tap-stack", "--locked"], env=env)
    stack_file = ROOT / "tap-stack" / "src" / "stack.rs"
    original = stack_file.read_text()
    marker = "memory_size: 256"
    if marker not in original:
        sys.exit(f"compile bench: `{marker}` not found in {stack_file}; update the marker")
    rebuilds, peaks = [], []
    edits = (320, 256, 384)
    try:
        for value in edits:
            stack_file.write_text(original.replace(marker, f"memory_size: {value}"))
            rebuilds.append(timed(["cargo", "build", "-p", "tap-stack", "--locked"], env=env))
        # Peak memory in separate runs, so GNU time adds nothing to the
        # timings; each run follows an edit (the last value differs from
        # the first), so each rebuilds.
        for value in edits:
            stack_file.write_text(original.replace(marker, f"memory_size: {value}"))
            peaks.append(peak_rss_mib(["cargo", "build", "-p", "tap-stack", "--locked"], env=env, quiet=True))
    finally:
        stack_file.write_text(original)
    return {"incremental_debug_rebuild_s": summary(rebuilds), "incremental_debug_rebuild_peak_mib": summary(peaks)}


def bench_generated(target, n, env, rebuilds=3):
    """Debug rebuild times of the generated crate with n invocations, after salted edits."""
    crate = target / f"gen{n}"
    write_generated_crate(crate, n)
    timed(["cargo", "build", "--manifest-path", str(crate / "Cargo.toml")], env=env)
    samples = []
    for i in range(rebuilds):
        (crate / "src" / "main.rs").write_text(generated_source(n, salt=i + 1))
        samples.append(timed(["cargo", "build", "--manifest-path", str(crate / "Cargo.toml")], env=env))
    med = statistics.median(samples)
    return {"rebuild_s": summary(samples), "ms_per_invocation": med * 1000 / n}


def generated_source(n, salt=0):
    lines = [
        # With one invocation the salt is only here; a changed file still reruns rustc.
        f"// salt {salt}",
        "use tap::prelude::*;",
        "struct Generated;",
        "#[stack(name = \"generated\")]",
        "impl Generated {",
        "    fn define(&self, stack: &mut Stack) {",
        "        let key = resource!(aws_kms_key.logs { enable_key_rotation: true });",
    ]
    for i in range(n - 1):
        lines.append(
            f"        let _l{i} = resource!(aws_cloudwatch_log_group.l{i} {{ name: \"/gen/{salt}/{i}\", retention_in_days: 30, kms_key_id: key.arn }});"
        )
    lines += ["    }", "}", "fn main() { let _ = StackDefinition::build(&Generated); }"]
    return "\n".join(lines) + "\n"


def write_generated_crate(crate, n):
    write_crate(crate, f"generated{n}", generated_source(n))


def write_crate(crate, package, source):
    """A crate of its own workspace that depends on tap (the package `tap-iac`).

    Each generated crate needs its own package name: cargo leaves the path
    out of a root package's fingerprint, so same-named crates would share one.
    """
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f"[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n"
        f"[dependencies]\ntap = {{ path = {json.dumps(str(ROOT / 'tap'))}, package = \"tap-iac\" }}\n"
    )
    lock = ROOT / "Cargo.lock"
    shutil.copy(lock, crate / "Cargo.lock")
    (crate / "src" / "main.rs").write_text(source)


# --- compare: this tree against another checkout, interleaved ---------------

def tap_package(tree):
    """The package name of a tree's `tap` crate (it was `tap` before it became publishable)."""
    found = re.search(r'^name\s*=\s*"([^"]+)"', (tree / "tap" / "Cargo.toml").read_text(), re.MULTILINE)
    if not found:
        sys.exit(f"compare: no package name in {tree / 'tap' / 'Cargo.toml'}")
    return found.group(1)


def write_crate_for(tree, crate, package, source):
    """`write_crate`, depending on the `tap` of another tree."""
    write_crate(crate, package, source)
    manifest = crate / "Cargo.toml"
    text = manifest.read_text().replace(json.dumps(str(ROOT / "tap")), json.dumps(str(tree / "tap")))
    manifest.write_text(text.replace('package = "tap-iac"', f'package = "{tap_package(tree)}"'))
    shutil.copy(tree / "Cargo.lock", crate / "Cargo.lock")


def bench_compare(baseline, runs):
    """Compile cost of this tree against `baseline` (a checkout of another
    commit), side by side: each measurement alternates between the two
    trees, run after run, so that drift of the machine's speed hits both
    alike. Each tree builds in a target directory of its own, kept between
    runs (`target/bench-compare`), as a developer's would be.

    - incremental debug rebuild of tap-stack after one attribute edit;
    - the first `#[stack]` expansion: rebuild of a crate with one `resource!`;
    - the build of the `tap` crate itself (its marker types are generated
      by a macro from the embedded schemas), after touching its source.
    """
    trees = {"before": Path(baseline).resolve(), "after": ROOT}
    for name, tree in trees.items():
        if not (tree / "tap-stack" / "src" / "stack.rs").is_file():
            sys.exit(f"compare: {tree} is not a checkout of this project (no tap-stack/src/stack.rs)")
    marker = "memory_size: 256"
    env = {name: dict(os.environ, CARGO_TARGET_DIR=str(tree / "target" / "bench-compare")) for name, tree in trees.items()}
    originals, crates = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, tree in trees.items():
            stack_file = tree / "tap-stack" / "src" / "stack.rs"
            originals[name] = stack_file.read_text()
            if marker not in originals[name]:
                sys.exit(f"compare: `{marker}` not found in {stack_file}; update the marker")
            crates[name] = Path(tmp) / f"first-{name}"
            write_crate_for(tree, crates[name], f"first_expansion_{name}", generated_source(1))
            # Warm: everything built once, so each run measures one rebuild.
            timed(["cargo", "build", "-p", "tap-stack", "--locked"], cwd=tree, env=env[name])
            timed(["cargo", "build", "--manifest-path", str(crates[name] / "Cargo.toml")], env=env[name])
        samples = {what: {name: [] for name in trees} for what in ("tap_stack_rebuild_s", "first_expansion_s", "tap_crate_s")}
        try:
            for i in range(runs):
                for name, tree in trees.items():
                    stack_file = tree / "tap-stack" / "src" / "stack.rs"
                    stack_file.write_text(originals[name].replace(marker, f"memory_size: {320 + 64 * (i % 2)}"))
                    samples["tap_stack_rebuild_s"][name].append(timed(["cargo", "build", "-p", "tap-stack", "--locked"], cwd=tree, env=env[name]))
                    (crates[name] / "src" / "main.rs").write_text(generated_source(1, salt=i + 1))
                    samples["first_expansion_s"][name].append(timed(["cargo", "build", "--manifest-path", str(crates[name] / "Cargo.toml")], env=env[name]))
            # Last, and on its own: a rebuilt `tap` makes every crate above it
            # rebuild, which the two measurements above must not include.
            for i in range(runs):
                for name, tree in trees.items():
                    os.utime(tree / "tap" / "src" / "lib.rs")
                    samples["tap_crate_s"][name].append(timed(["cargo", "build", "-p", tap_package(tree), "--locked"], cwd=tree, env=env[name]))
        finally:
            for name, tree in trees.items():
                (tree / "tap-stack" / "src" / "stack.rs").write_text(originals[name])
    results = {}
    for what, by_tree in samples.items():
        results[what] = {name: summary(values) for name, values in by_tree.items()}
        ratios = [a / b for a, b in zip(by_tree["after"], by_tree["before"])]
        results[what]["ratio_after_over_before"] = summary(ratios)
    return results


# --- types: many distinct AWS resource types ---------------------------------

# Types the generator cannot satisfy with placeholder literals: name -> why.
# Empty with the AWS provider 6.25.0: every type left after the rule and
# constraint exclusions (1,532) compiles and synthesizes with the literals.
TYPES_SKIP = {
}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Unsupported(Exception):
    """A required argument the generator does not write (`x_cdktf_any`, `dynamic`)."""


def aws_resource_schemas():
    """The resource schemas of the AWS provider tap embeds, by type name."""
    found = sorted((ROOT / "tap-macros" / "schema" / "providers").glob("aws-*.json.gz"))
    if not found:
        sys.exit("types bench: no tap-macros/schema/providers/aws-*.json.gz")
    with gzip.open(found[-1], "rt", encoding="utf-8") as f:
        doc = json.load(f)
    for address, provider in doc["provider_schemas"].items():
        if address.endswith("/aws"):
            return provider["resource_schemas"]
    sys.exit(f"types bench: {found[-1].name} has no AWS provider")


def types_not_generated():
    """Types a security rule looks at (README's rule table) or that AWS's
    provider descriptor names (accepted values, reference kinds):
    placeholder literals may not pass them."""
    readme = (ROOT / "README.md").read_text()
    start, end = readme.find("<!-- rules:start -->"), readme.find("<!-- rules:end -->")
    if start < 0 or end < start:
        sys.exit("types bench: README.md has no <!-- rules:start --> ... <!-- rules:end --> table")
    ruled = set(re.findall(r"\baws_[a-z0-9_]+", readme[start:end]))
    descriptor = ROOT / "tap-core" / "providers" / "aws.json"
    constrained = set(re.findall(r'"(aws_[a-z0-9_]+)"', descriptor.read_text()))
    return ruled | constrained


def map_key(name):
    return name if IDENT.match(name) else json.dumps(name)


def cty_literal(ty, text):
    """A value of cty type `ty` (JSON form); `text` is the string placeholder."""
    if ty == "string":
        return text
    if ty == "number":
        return "1"
    if ty == "bool":
        return "false"
    if ty == "dynamic":
        raise Unsupported("dynamic")
    if isinstance(ty, list) and len(ty) == 2:
        kind, inner = ty
        if kind in ("list", "set"):
            return f"[{cty_literal(inner, text)}]"
        if kind == "map":
            return f"{{ key: {cty_literal(inner, text)} }}"
        if kind == "object":
            return "{ " + ", ".join(f"{map_key(k)}: {cty_literal(v, text)}" for k, v in sorted(inner.items())) + " }"
        if kind == "tuple":
            return "[" + ", ".join(cty_literal(v, text) for v in inner) + "]"
    raise Unsupported(json.dumps(ty))


def attribute_literal(attr, text):
    if attr.get("x_cdktf_any"):
        raise Unsupported("x_cdktf_any")
    nested = attr.get("nested_type")
    if nested is not None:
        fields = [f"{map_key(k)}: {attribute_literal(a, text)}" for k, a in sorted(nested["attributes"].items()) if a.get("required")]
        obj = "{ " + ", ".join(fields) + " }" if fields else "{}"
        mode = nested.get("nesting_mode")
        if mode in ("list", "set"):
            return f"[{obj}]"
        if mode == "map":
            return f"{{ key: {obj} }}"
        return obj
    return cty_literal(attr.get("type"), text)


def required_body(block, text):
    """The entries of a block body: its required arguments and, recursively,
    its required blocks (`min_items` times, at least once)."""
    parts = []
    for name, attr in sorted(block.get("attributes", {}).items()):
        if attr.get("required"):
            if not IDENT.match(name):
                raise Unsupported(f"argument name {name!r}")
            parts.append(f"{name}: {attribute_literal(attr, text)},")
    for name, nested in sorted(block.get("block_types", {}).items()):
        if nested.get("min_items", 0) > 0 or nested.get("x_required"):
            if not IDENT.match(name):
                raise Unsupported(f"block name {name!r}")
            inner = " ".join(required_body(nested["block"], text))
            for _ in range(max(nested.get("min_items", 0), 1)):
                parts.append(f"{name} {{ {inner} }}" if inner else f"{name} {{}}")
    return parts


def pick_types(n):
    """The first n AWS resource types, in sorted order, the generator can write."""
    schemas = aws_resource_schemas()
    excluded = types_not_generated() | set(TYPES_SKIP)
    picked = []
    for name in sorted(schemas):
        if len(picked) == n:
            break
        if name in excluded:
            continue
        try:
            required_body(schemas[name]["block"], '"example"')
        except Unsupported:
            continue
        picked.append((name, schemas[name]["block"]))
    if len(picked) < n:
        sys.exit(f"types bench: only {len(picked)} AWS resource types can be generated, {n} asked")
    return picked


def types_source(picked, salt=0):
    # The salt changes every string literal, so a rebuild re-expands and
    # recompiles each invocation (as the generated crate's rebuilds do).
    text = '"example"' if salt == 0 else f'"example-{salt}"'
    lines = [
        "use tap::prelude::*;",
        "struct Types;",
        "#[stack(name = \"types\")]",
        "impl Types {",
        "    fn define(&self, stack: &mut Stack) {",
        "        stack.provider(Provider::aws(\"us-west-2\"));",
    ]
    for i, (name, block) in enumerate(picked):
        lines.append(f"        let _r{i} = resource!({name}.r{i} {{ {' '.join(required_body(block, text))} }});")
    lines += [
        "    }",
        "}",
        "fn main() {",
        "    let stack = StackDefinition::build(&Types);",
        "    let start = std::time::Instant::now();",
        "    match tap::synth::synthesize(&stack) {",
        "        Ok(_) => println!(\"{{\\\"resources\\\": {}, \\\"synthesize_ms\\\": {}}}\", stack.resources.len(), start.elapsed().as_secs_f64() * 1000.0),",
        "        Err(e) => {",
        "            eprintln!(\"{e}\");",
        "            std::process::exit(1);",
        "        }",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def write_types_crate(crate, picked):
    package = f"types{len(picked)}"
    write_crate(crate, package, types_source(picked))
    return package


def bench_types(n, target, rebuilds=3, runs=5):
    """Builds (debug) and runs a crate of n distinct AWS resource types in `target`."""
    picked = pick_types(n)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    with tempfile.TemporaryDirectory() as tmp:
        crate = Path(tmp) / "types"
        package = write_types_crate(crate, picked)
        manifest = ["--manifest-path", str(crate / "Cargo.toml")]
        # tap's own crates (and their dependencies) first, as this crate uses them.
        run_timed(["cargo", "build", *manifest, "-p", "tap-iac"], env=env)
        first, _ = run_timed(["cargo", "build", *manifest], env=env)
        samples = []
        for i in range(rebuilds):
            (crate / "src" / "main.rs").write_text(types_source(picked, salt=i + 1))
            samples.append(run_timed(["cargo", "build", *manifest], env=env)[0])
        exe = Path(target) / "debug" / package
        times, report = [], None
        for _ in range(runs):
            t, out = run_timed([exe], env=env)
            times.append(t * 1000)
            report = json.loads(out)
        if report["resources"] != n:
            sys.exit(f"types bench: the stack has {report['resources']} resources, {n} expected")
    result = {"types": n, "first_build_s": first, "synth_wall_ms": summary(times), "synthesize_ms": report["synthesize_ms"]}
    if samples:
        result["rebuild_s"] = summary(samples)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help="synth, scale, compile and/or types (default: synth scale)")
    parser.add_argument("--quick", action="store_true", help="debug build, small sizes, one run: checks the harness, makes no timing claims")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--types", type=int, default=300, metavar="N", help="distinct AWS resource types in the types benchmark (default 300)")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="with `compare`: a checkout of the commit to compare this tree against")
    args = parser.parse_args()
    what = args.what or ["synth", "scale"]
    unknown = [w for w in what if w not in ("synth", "scale", "compile", "types", "compare")]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; accepted: synth, scale, compile, types, compare")
    if "compare" in what and args.baseline is None:
        parser.error("`compare` needs --baseline DIR, a checkout of the commit to compare against")
    if args.types < 1:
        parser.error("--types must be at least 1")
    results = {"machine": {"cpus": os.cpu_count(), "platform": sys.platform}}

    if args.quick:
        cargo(["build", "--locked", "-p", "tap-stack", "-p", "tap-bench"])
        results["synth"] = bench_synth("debug", 1, memory=False)
        results["scale"] = bench_scale("debug", [100], 1, memory=False)
        with tempfile.TemporaryDirectory() as tmp:
            crate = Path(tmp) / "gen"
            write_generated_crate(crate, 3)
            env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target"))
            subprocess.run(["cargo", "build", "--quiet", "--manifest-path", str(crate / "Cargo.toml")], env=env, check=True)
        results["types"] = bench_types(20, ROOT / "target", rebuilds=0, runs=1)
        print(json.dumps(results, indent=1))
        print("benchmark harness: synth, scale, the generated crate and the types crate build and run")
        return

    if "synth" in what or "scale" in what:
        cargo(["build", "--release", "--locked", "-p", "tap-stack", "-p", "tap-bench"])
    if "synth" in what:
        results["synth"] = bench_synth("release", max(args.runs, 10))
        s = results["synth"]
        print(f"default stack synthesis: median {s['wall_ms']['median']:.1f} ms (min {s['wall_ms']['min']:.1f}, max {s['wall_ms']['max']:.1f}), "
              f"peak {s['peak_mib']['median']:.1f} MiB (max {s['peak_mib']['max']:.1f})")
    if "scale" in what:
        results["scale"] = bench_scale("release", [100, 1000, 10000], max(args.runs, 10))
        for size, r in results["scale"].items():
            print(f"{r['resources']:>6} resources: median {r['wall_ms']['median']:.1f} ms (min {r['wall_ms']['min']:.1f}, max {r['wall_ms']['max']:.1f}), "
                  f"peak {r['peak_mib']['median']:.1f} MiB, {r['us_per_resource']:.1f} µs/resource")
        ratio = results["scale"][10000]["us_per_resource"] / results["scale"][1000]["us_per_resource"]
        results["scale_ratio_10000_over_1000"] = ratio
        print(f"time per resource at 10,000 / at 1,000: {ratio:.2f}")
    if "compile" in what:
        results["compile"] = bench_compile([50, 200, 800])
        c = results["compile"]
        print(f"clean release build of the workspace: {c['clean_release_workspace_s']:.1f} s")
        r = c["incremental_debug_rebuild_s"]
        print(f"incremental debug rebuild of tap-stack after one attribute edit: median {r['median']:.2f} s (min {r['min']:.2f}, max {r['max']:.2f})")
        m = c["incremental_debug_rebuild_peak_mib"]
        print(f"  peak memory of that rebuild (largest child, rustc): median {m['median']:.0f} MiB (max {m['max']:.0f})")
        f = c["first_expansion"]["rebuild_s"]
        print(f"generated crate, 1 resource! invocation (first #[stack] expansion): rebuild median {f['median']:.2f} s (min {f['min']:.2f}, max {f['max']:.2f})")
        for n, g in c["generated_crate"].items():
            print(f"generated crate, {n} resource! invocations: rebuild median {g['rebuild_s']['median']:.2f} s, {g['ms_per_invocation']:.2f} ms per invocation")
    if "compare" in what:
        results["compare"] = bench_compare(args.baseline, max(args.runs, 7))
        for what_, r in results["compare"].items():
            b, a, q = r["before"], r["after"], r["ratio_after_over_before"]
            print(f"{what_}: before median {b['median']:.2f} s (min {b['min']:.2f}, max {b['max']:.2f}), "
                  f"after median {a['median']:.2f} s (min {a['min']:.2f}, max {a['max']:.2f}), ratio median {q['median']:.3f}")
    if "types" in what:
        with tempfile.TemporaryDirectory() as target:
            results["types"] = bench_types(args.types, target)
        t = results["types"]
        print(f"{t['types']} distinct AWS resource types, one resource each (debug): first build {t['first_build_s']:.2f} s, "
              f"rebuild median {t['rebuild_s']['median']:.2f} s (min {t['rebuild_s']['min']:.2f}, max {t['rebuild_s']['max']:.2f})")
        w = t["synth_wall_ms"]
        print(f"  running it: synthesis succeeds, process wall time median {w['median']:.1f} ms (min {w['min']:.1f}, max {w['max']:.1f}), "
              f"synthesize() {t['synthesize_ms']:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
