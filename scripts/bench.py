#!/usr/bin/env python3
"""tap's benchmark harness (standard library only).

Measures, on this machine, with the release build unless --quick:

  synth    synthesis of the default tap-stack: wall time and peak memory of
           the whole process (median, min, max of --runs runs, default 15)
  scale    synthesis of generated stacks of about 100, 1,000 and 10,000
           resources (bench/src/lib.rs, declared with #[stack]/resource!,
           validation and policy on): wall time, peak memory, time per resource
  compile  clean release build of the workspace; incremental debug rebuild of
           tap-stack after changing one attribute value; and the debug build
           time of a generated crate with 50, 200 and 800 resource! invocations

Wall time is measured around the child process (posix_spawn, no shell);
peak memory is the child's maximum resident set size as GNU time reports it
(Debian package `time`), in separate runs so it adds nothing to the timings.

  python3 scripts/bench.py                 # synth + scale (a few minutes)
  python3 scripts/bench.py compile         # compile costs (about 10 minutes)
  python3 scripts/bench.py --quick         # CI: debug build, small sizes, 1 run; checks they run, no timing claims
  python3 scripts/bench.py --json out.json # also write the figures as JSON
"""
import argparse
import json
import os
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


def peak_rss_mib(cmd, cwd=ROOT, env=None):
    gnu_time = "/usr/bin/time"
    if not os.path.exists(gnu_time):
        sys.exit("peak memory needs GNU time: apt-get install time")
    with tempfile.NamedTemporaryFile(mode="r") as report:
        subprocess.run([gnu_time, "-f", "%M", "-o", report.name, *map(str, cmd)], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
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
        # Incremental debug rebuild after editing one attribute value.
        timed(["cargo", "build", "-p", "tap-stack", "--locked"], env=env)
        stack_file = ROOT / "tap-stack" / "src" / "stack.rs"
        original = stack_file.read_text()
        marker = "memory_size: 256"
        if marker not in original:
            sys.exit(f"compile bench: `{marker}` not found in {stack_file}; update the marker")
        rebuilds = []
        try:
            for value in (320, 256, 384):
                stack_file.write_text(original.replace(marker, f"memory_size: {value}"))
                rebuilds.append(timed(["cargo", "build", "-p", "tap-stack", "--locked"], env=env))
        finally:
            stack_file.write_text(original)
        results["incremental_debug_rebuild_s"] = summary(rebuilds)
        # How compile time grows with the number of resource! invocations.
        per_count = {}
        for n in invocation_counts:
            crate = Path(target) / f"gen{n}"
            write_generated_crate(crate, n)
            timed(["cargo", "build", "--manifest-path", str(crate / "Cargo.toml")], env=env)
            samples = []
            for i in range(3):
                (crate / "src" / "main.rs").write_text(generated_source(n, salt=i + 1))
                samples.append(timed(["cargo", "build", "--manifest-path", str(crate / "Cargo.toml")], env=env))
            med = statistics.median(samples)
            per_count[n] = {"rebuild_s": summary(samples), "ms_per_invocation": med * 1000 / n}
        results["generated_crate"] = per_count
    return results


def generated_source(n, salt=0):
    lines = [
        "use tap_core::prelude::*;",
        "use tap_macros::stack;",
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
    lines += ["    }", "}", "fn main() { let _ = tap_core::graph::StackDefinition::build(&Generated); }"]
    return "\n".join(lines) + "\n"


def write_generated_crate(crate, n):
    # Each size gets its own package name: cargo leaves the path out of a
    # root package's fingerprint, so same-named crates would share one.
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        f"[package]\nname = \"generated{n}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n"
        f"[dependencies]\ntap-core = {{ path = \"{ROOT / 'tap-core'}\" }}\ntap-macros = {{ path = \"{ROOT / 'tap-macros'}\" }}\n"
    )
    lock = ROOT / "Cargo.lock"
    shutil.copy(lock, crate / "Cargo.lock")
    (crate / "src" / "main.rs").write_text(generated_source(n))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="*", help="synth, scale and/or compile (default: synth scale)")
    parser.add_argument("--quick", action="store_true", help="debug build, small sizes, one run: checks the harness, makes no timing claims")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    what = args.what or ["synth", "scale"]
    unknown = [w for w in what if w not in ("synth", "scale", "compile")]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; accepted: synth, scale, compile")
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
        print(json.dumps(results, indent=1))
        print("benchmark harness: synth, scale and the generated crate build and run")
        return

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
        for n, g in c["generated_crate"].items():
            print(f"generated crate, {n} resource! invocations: rebuild median {g['rebuild_s']['median']:.2f} s, {g['ms_per_invocation']:.2f} ms per invocation")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
