"""Security scan of the synthesized Terraform JSON with checkov.

By default this synthesizes the real stack with
``cargo run --quiet -p tap-stack -- --out-dir <tmp>`` and scans the output.
Set ``TAP_SYNTH_DIR`` to scan an already synthesized directory instead, e.g.
``TAP_SYNTH_DIR=tests/checkov/fixtures/sample`` for the hand-written sample.

checkov runs from the same virtualenv as pytest, with ``tests/checkov/checkov.yaml``
as its only configuration. Every skipped check and its reason must be in that file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML is a checkov dependency, so it is in this virtualenv

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = Path(__file__).resolve().parent / "checkov.yaml"
VERSIONS_FILE = "versions.tf.json"
STACK_FILE = "cdk.tf.json"
# A real scan of the stack runs roughly a hundred checks. Fewer than this means
# files were silently dropped or the resources checkov knows were not emitted.
MIN_PASSED_CHECKS = 50
# Environment variables that would change what checkov does (CKV_SKIP_CHECK,
# CKV_FRAMEWORK, BC_API_KEY, ...). The config file is the only source of truth.
_CHECKOV_ENV_PREFIXES = ("CKV_", "CHECKOV_", "BC_", "PRISMA_")


# --------------------------------------------------------------------------- helpers


def _checkov_executable() -> Path:
    exe = Path(sys.executable).parent / "checkov"
    if not exe.exists():
        pytest.fail(
            f"checkov is not installed next to {sys.executable}; "
            "install requirements-test.txt into this virtualenv (scripts/test-all.sh does that)"
        )
    return exe


def _load_config() -> dict[str, Any]:
    with CONFIG_FILE.open(encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh) or {}
    assert isinstance(cfg, dict), f"{CONFIG_FILE.name} must be a YAML mapping"
    return cfg


def _config_list(cfg: dict[str, Any], key: str) -> list[str]:
    value = cfg.get(key) or []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _tf_json_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.tf.json") if p.is_file())


def _synthesize(out_dir: Path) -> Path:
    cmd = ["cargo", "run", "--quiet", "-p", "tap-stack", "--", "--out-dir", str(out_dir)]
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError:
        pytest.fail("cargo not found on PATH; it is needed to synthesize the stack")
    if proc.returncode != 0:
        pytest.fail(
            f"synthesis failed ({' '.join(cmd)}, exit {proc.returncode})\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    stacks = sorted(out_dir.glob(f"stacks/*/{STACK_FILE}"))
    assert stacks, f"synthesis wrote no stacks/<stack>/{STACK_FILE} under the output directory"
    return out_dir


def _scan_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = os.environ.get("TAP_SYNTH_DIR")
    if env_dir:
        root = Path(env_dir)
        if not root.is_absolute() and not root.exists():
            root = REPO_ROOT / root
        root = root.resolve()
        assert root.is_dir(), f"TAP_SYNTH_DIR={env_dir!r} is not a directory"
        return root
    return _synthesize(tmp_path_factory.mktemp("synth"))


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CHECKOV_ENV_PREFIXES)}
    # checkov also merges .checkov.yaml from $HOME and the working directory; an
    # empty HOME and working directory keep a personal config out of the result.
    env["HOME"] = str(home)
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


@dataclass(repr=False)
class Scan:
    returncode: int
    report: dict[str, Any]
    stderr: str

    @property
    def results(self) -> dict[str, list[Any]]:
        return self.report.get("results", {})

    @property
    def summary(self) -> dict[str, Any]:
        return self.report.get("summary", {})

    def __repr__(self) -> str:  # keep pytest tracebacks readable
        return f"Scan(exit={self.returncode}, summary={self.summary})"

    def records(self, kind: str) -> list[dict[str, Any]]:
        return list(self.results.get(kind, []))


def _run_checkov(root: Path, workdir: Path, args: list[str]) -> Scan:
    cmd = [str(_checkov_executable()), "-d", str(root), "-o", "json", *args]
    proc = subprocess.run(
        cmd, cwd=workdir, env=_clean_env(workdir), capture_output=True, text=True, timeout=900
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"checkov did not print a JSON report (exit {proc.returncode})\n"
            f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    # One framework gives one report object; several would give a list.
    if isinstance(report, list):
        matching = [r for r in report if r.get("check_type") == "terraform_json"]
        assert len(matching) == 1, f"expected one terraform_json report, got {[r.get('check_type') for r in report]}"
        report = matching[0]
    # With no results at all, checkov prints only the summary (no "results" key).
    if "results" not in report and "summary" not in report:
        report = {"results": {}, "summary": report}
    return Scan(proc.returncode, report, proc.stderr)


class _Addresses:
    """Turn checkov's resource ids into Terraform addresses.

    For per-resource checks the terraform_json runner reports ``resource.<name>``
    (the type is lost); graph checks report ``<type>.<name>``.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_name: dict[tuple[str, str], set[str]] = {}
        self.lines: dict[str, list[str]] = {}
        for path in _tf_json_files(root):
            rel = "/" + path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            self.lines[rel] = text.splitlines()
            doc = json.loads(text)
            for kind, prefix in (("resource", ""), ("data", "data.")):
                for rtype, blocks in (doc.get(kind) or {}).items():
                    if rtype == "//" or not isinstance(blocks, dict):
                        continue
                    for name in blocks:
                        if name != "//":
                            self.by_name.setdefault((kind, name), set()).add(f"{prefix}{rtype}.{name}")

    def address(self, record: dict[str, Any]) -> str:
        resource = str(record.get("resource", ""))
        kind, _, name = resource.partition(".")
        if kind not in ("resource", "data") or not name:
            return resource
        candidates = sorted(self.by_name.get((kind, name), ()))
        if len(candidates) == 1:
            return candidates[0]
        found = self._type_from_lines(record, name)
        if found:
            return f"{'data.' if kind == 'data' else ''}{found}.{name}"
        return " | ".join(candidates) or resource

    def _type_from_lines(self, record: dict[str, Any], name: str) -> str | None:
        # Pretty-printed JSON: the type key is the nearest less-indented key above the block.
        lines = self.lines.get(record.get("file_path", ""), [])
        start = (record.get("file_line_range") or [0])[0]
        if not 0 < start <= len(lines) or f'"{name}"' not in lines[start - 1]:
            return None
        indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
        for line in reversed(lines[: start - 1]):
            stripped = line.lstrip()
            if len(line) - len(stripped) < indent:
                match = re.match(r'"([^"]+)"\s*:\s*\{', stripped)
                return match.group(1) if match else None
        return None


def _describe(records: list[dict[str, Any]], addresses: _Addresses) -> str:
    rows = []
    for r in sorted(records, key=lambda r: (r.get("check_id", ""), r.get("file_path", ""), str(r.get("resource")))):
        lines = r.get("file_line_range") or []
        where = f"{r.get('file_path', '?').lstrip('/')}:{lines[0]}-{lines[1]}" if len(lines) == 2 else r.get("file_path", "?")
        keys = ", ".join((r.get("check_result") or {}).get("evaluated_keys") or [])
        rows.append(
            f"  {r.get('check_id')}  {addresses.address(r)}  ({where})\n"
            f"      {r.get('check_name')}" + (f"\n      evaluated keys: {keys}" if keys else "")
        )
    return "\n".join(rows)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def scan_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _scan_root(tmp_path_factory)
    assert _tf_json_files(root), f"no *.tf.json files under {root}"
    return root


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return _load_config()


@pytest.fixture(scope="module")
def scan(scan_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    workdir = tmp_path_factory.mktemp("checkov")
    return _run_checkov(scan_root, workdir, ["--config-file", str(CONFIG_FILE)])


@pytest.fixture(scope="module")
def addresses(scan_root: Path) -> _Addresses:
    return _Addresses(scan_root)


# --------------------------------------------------------------------------- tests


def test_no_stray_checkov_config(scan_root: Path) -> None:
    stray = [p for p in scan_root.rglob(".checkov.y*ml")]
    assert not stray, f"checkov would merge these config files into the scan: {stray}"


def test_required_version_only_in_versions_file(scan_root: Path) -> None:
    with_version: set[Path] = set()
    problems: list[str] = []
    for path in _tf_json_files(scan_root):
        doc = json.loads(path.read_text(encoding="utf-8"))
        terraform = doc.get("terraform")
        blocks = terraform if isinstance(terraform, list) else [terraform or {}]
        if any(isinstance(b, dict) and "required_version" in b for b in blocks):
            with_version.add(path)
        if path.name == VERSIONS_FILE:
            # The file is excluded from the scan (see checkov.yaml), so it must not
            # hold anything checkov should have looked at.
            extra = sorted(set(doc) - {"terraform", "//"})
            if extra:
                problems.append(f"{path.relative_to(scan_root)} must only hold the terraform block, has {extra}")
            if isinstance(terraform, dict) and set(terraform) - {"required_version", "//"}:
                problems.append(
                    f"{path.relative_to(scan_root)}: terraform block must only hold required_version, "
                    f"has {sorted(terraform)}"
                )

    versions_files = {p for p in _tf_json_files(scan_root) if p.name == VERSIONS_FILE}
    for stack_file in _tf_json_files(scan_root):
        if stack_file.name == STACK_FILE and stack_file.with_name(VERSIONS_FILE) not in versions_files:
            problems.append(f"{stack_file.relative_to(scan_root)} has no {VERSIONS_FILE} next to it")
    for path in sorted(versions_files - with_version):
        problems.append(f"{path.relative_to(scan_root)} lacks terraform.required_version")
    for path in sorted(with_version - versions_files):
        problems.append(
            f"{path.relative_to(scan_root)} sets terraform.required_version; checkov's terraform_json "
            f"parser then drops the whole file, so it must live only in {VERSIONS_FILE}"
        )
    assert not problems, "\n".join(problems)


def test_checkov_exit_code(scan: Scan) -> None:
    failed = int(scan.summary.get("failed", 0))
    assert scan.returncode in (0, 1), f"checkov crashed (exit {scan.returncode}):\n{scan.stderr[-4000:]}"
    assert scan.returncode == (1 if failed else 0), (
        f"exit code {scan.returncode} does not match {failed} failed checks\n{scan.stderr[-2000:]}"
    )


def test_no_parsing_errors(scan: Scan) -> None:
    errors = scan.records("parsing_errors")
    count = int(scan.summary.get("parsing_errors", 0))
    assert not errors and count == 0, (
        f"checkov could not parse {count} file(s); their resources were NOT scanned:\n  "
        + "\n  ".join(map(str, errors))
        + f"\n--- checkov stderr (tail) ---\n{scan.stderr[-3000:]}"
    )


def test_scan_ran_enough_checks(scan: Scan) -> None:
    passed = int(scan.summary.get("passed", 0))
    assert passed >= MIN_PASSED_CHECKS, (
        f"only {passed} checks passed (expected at least {MIN_PASSED_CHECKS}); "
        "checkov probably scanned nothing or dropped files"
    )


def test_no_failed_checks(scan: Scan, addresses: _Addresses) -> None:
    failed = scan.records("failed_checks")
    assert not failed, (
        f"{len(failed)} failed checkov check(s). Fix the stack, or skip a check in "
        f"tests/checkov/{CONFIG_FILE.name} with a reason a security reviewer would accept:\n"
        + _describe(failed, addresses)
    )


def test_skip_list_has_reasons(config: dict[str, Any]) -> None:
    skips = _config_list(config, "skip-check")
    lines = CONFIG_FILE.read_text(encoding="utf-8").splitlines()
    missing = []
    for check_id in skips:
        idx = next((i for i, l in enumerate(lines) if re.match(rf"\s*-\s*{re.escape(check_id)}\b", l)), None)
        if idx is None:
            missing.append(f"{check_id} (not written as a '- ID' list item)")
            continue
        inline = "#" in lines[idx] and lines[idx].split("#", 1)[1].strip()
        above = idx > 0 and lines[idx - 1].strip().startswith("#") and lines[idx - 1].strip("# ").strip()
        if not (inline or above):
            missing.append(check_id)
    assert not missing, f"skip-check entries without a reason comment in {CONFIG_FILE.name}: {missing}"
    assert len(skips) == len(set(skips)), f"duplicate skip-check entries: {skips}"


def test_skips_are_exactly_the_config_skips(
    scan: Scan, config: dict[str, Any], scan_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The skipped checks are exactly those in checkov.yaml, and each is still needed.

    checkov does not list checks removed by --skip-check as "skipped". It lists only
    inline suppressions, which this project does not use. So the skip list is checked
    by running just those checks without it: each one must still fail somewhere.
    """
    configured = set(_config_list(config, "skip-check"))
    reported = {r.get("check_id") for r in scan.records("skipped_checks")}
    assert reported <= configured, (
        f"checks skipped outside {CONFIG_FILE.name} (inline suppressions?): {sorted(reported - configured)}"
    )
    leaked = {r.get("check_id") for r in scan.records("passed_checks") + scan.records("failed_checks")} & configured
    assert not leaked, f"checkov ran checks that {CONFIG_FILE.name} skips; the config was not applied: {sorted(leaked)}"
    if not configured:
        return

    args = ["--framework", "terraform_json", "--skip-download", "--check", ",".join(sorted(configured))]
    for pattern in _config_list(config, "skip-path"):
        args += ["--skip-path", pattern]
    unskipped = _run_checkov(scan_root, tmp_path_factory.mktemp("checkov-unskipped"), args)
    assert not unskipped.records("parsing_errors"), (
        f"checkov could not parse these files when re-run without skips: {unskipped.records('parsing_errors')}"
    )
    still_failing = {r.get("check_id") for r in unskipped.records("failed_checks")}
    stale = sorted(configured - still_failing)
    assert not stale, (
        f"these skips in {CONFIG_FILE.name} are no longer needed (the checks pass or no longer apply); "
        f"remove them: {stale}"
    )
