"""The SARIF tap writes: valid SARIF 2.1.0, and pointing at real Rust lines.

Each document is checked against the official SARIF 2.1.0 JSON schema (a
copy in ``schema/``, see its README) and against the source: every location
names a file of this repository, relative to ``%SRCROOT%`` (the workspace
root), whose named line holds the ``resource!`` of the result's resource.

Documents checked: the shipped stacks' golden files (``tests/golden/*/``),
``tap-stack --demo-open-api --report-only`` (suppressed findings) and
``insecure-stack --report-only`` (``tests/src/bin/insecure-stack.rs``:
failures, a finding unknown until apply, a suppressed finding, a resource
without a Rust line and a rejected suppression), both synthesized here with
``cargo run``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
GOLDEN = sorted((REPO_ROOT / "tests" / "golden").glob("*/policy-report.sarif"))
# `resource!(aws_subnet.private[i] {` or `resource!(aws_vpc.main {`.
MACRO = re.compile(r"\b(resource|data)!\(\s*(\w+)\.(\w+)")


def _cargo_run(package: str, binary: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    cmd = ["cargo", "run", "--quiet", "-p", package, "--bin", binary, "--", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_")}
    try:
        return subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError:
        pytest.fail("cargo not found on PATH; it is needed to synthesize the stacks")


def _synthesize(package: str, binary: str, args: list[str], stack_dir: Path) -> Path:
    proc = _cargo_run(package, binary, args)
    assert proc.returncode == 0, f"{binary} {' '.join(args)} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    sarif = stack_dir / "policy-report.sarif"
    assert sarif.is_file(), f"{binary} wrote no {sarif}"
    return sarif


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sarif")
    return {
        "tap-stack --demo-open-api --report-only": _synthesize(
            "tap-stack",
            "tap-stack",
            ["--demo-open-api", "--report-only", "--out-dir", str(out / "tap-stack")],
            out / "tap-stack" / "stacks" / "tap-items-dev",
        ),
        "insecure-stack --report-only": _synthesize(
            "tap-tests",
            "insecure-stack",
            ["--report-only", str(out / "insecure")],
            out / "insecure" / "stacks" / "insecure",
        ),
    }


@pytest.fixture(scope="session")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator, "the SARIF 2.1.0 schema is draft-04"
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _documents(synthesized: dict[str, Path]) -> dict[str, dict[str, Any]]:
    docs = {f"golden {p.parent.name}": _load(p) for p in GOLDEN}
    docs.update({name: _load(p) for name, p in synthesized.items()})
    return docs


def _errors(validator: jsonschema.protocols.Validator, doc: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


# --------------------------------------------------------------------------- tests


def test_the_schema_is_the_official_copy() -> None:
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256, "schema/sarif-schema-2.1.0.json changed; it is a verbatim copy (see schema/README.md)"


def test_there_are_golden_sarif_files() -> None:
    assert len(GOLDEN) >= 4, f"expected one policy-report.sarif per golden stack, found {GOLDEN}"


def test_every_document_is_valid_sarif_2_1_0(synthesized: dict[str, Path], validator: jsonschema.protocols.Validator) -> None:
    for name, doc in _documents(synthesized).items():
        assert doc["version"] == "2.1.0", name
        errors = _errors(validator, doc)
        assert not errors, f"{name} is not valid SARIF 2.1.0:\n" + "\n".join(errors[:20])


def test_the_validator_rejects_what_sarif_forbids(synthesized: dict[str, Path], validator: jsonschema.protocols.Validator) -> None:
    # Guards the guard: a validator that accepts anything would pass the test above.
    doc = _load(synthesized["insecure-stack --report-only"])
    broken = []
    bad_level = copy.deepcopy(doc)
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    broken.append(bad_level)
    bad_suppression = copy.deepcopy(doc)
    bad_suppression["runs"][0]["results"][0]["suppressions"] = [{"kind": "inComment"}]
    broken.append(bad_suppression)
    no_driver_name = copy.deepcopy(doc)
    del no_driver_name["runs"][0]["tool"]["driver"]["name"]
    broken.append(no_driver_name)
    line_zero = copy.deepcopy(doc)
    line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    broken.append(line_zero)
    for b in broken:
        assert _errors(validator, b), "the validator accepted an invalid document"


def _resolve(location: dict[str, Any]) -> tuple[Path, int | None]:
    artifact = location["artifactLocation"]
    assert artifact.get("uriBaseId") == "%SRCROOT%", f"not relative to %SRCROOT%: {artifact}"
    uri = artifact["uri"]
    parts = urlsplit(uri)
    assert not parts.scheme and not parts.netloc and not uri.startswith("/"), f"not a relative URI: {uri}"
    assert ".." not in Path(unquote(parts.path)).parts, f"leaves %SRCROOT%: {uri}"
    return REPO_ROOT / unquote(parts.path), location.get("region", {}).get("startLine")


def test_every_location_is_the_resource_macro_of_its_resource(synthesized: dict[str, Path]) -> None:
    checked = checked_sites = 0
    for name, doc in _documents(synthesized).items():
        for result in doc["runs"][0]["results"]:
            address = result["properties"]["address"]
            physical = result["locations"][0].get("physicalLocation")
            if physical is None:
                # A resource built in plain code has no Rust line; it is placed by its address.
                logical = result["locations"][0]["logicalLocations"]
                assert logical[0]["fullyQualifiedName"] == address, f"{name}: {result}"
                continue
            path, line = _resolve(physical)
            assert path.is_file(), f"{name}: {address} points at {path.relative_to(REPO_ROOT)}, which does not exist"
            assert line is not None, f"{name}: {address} names a file but no line"
            lines = path.read_text(encoding="utf-8").splitlines()
            assert 1 <= line <= len(lines), f"{name}: {path.relative_to(REPO_ROOT)} has no line {line}"
            match = MACRO.search(lines[line - 1])
            assert match, f"{name}: {path.relative_to(REPO_ROOT)}:{line} holds no resource! or data!: {lines[line - 1].strip()!r}"
            macro, type_name, declared = match.groups()
            mode_data = address.startswith("data.")
            assert macro == ("data" if mode_data else "resource"), f"{name}: {address} at a {macro}! line"
            want_type, want_name = address.removeprefix("data.").split(".", 1)
            assert type_name == want_type, f"{name}: {path.relative_to(REPO_ROOT)}:{line} declares {type_name}, not {address}"
            # A resource made in a loop, `private[i]`, is named `private_0`, `private_1`, ...;
            # one of a component instance has the instance's prefix: `network_endpoint_dynamodb`.
            suffixes = [want_name] + [want_name[i + 1 :] for i, c in enumerate(want_name) if c == "_"]
            named = any(s == declared or s.startswith(declared + "_") for s in suffixes)
            assert named, f"{name}: line {line} declares {declared}, not {address}"
            # The lines that created the resource's component instance create one.
            for related in result.get("relatedLocations", []):
                site, site_line = _resolve(related["physicalLocation"])
                text = site.read_text(encoding="utf-8").splitlines()[site_line - 1]
                assert ".scope(" in text, f"{name}: {address}: {site.relative_to(REPO_ROOT)}:{site_line} creates no instance: {text.strip()!r}"
                checked_sites += 1
            checked += 1
    assert checked >= 9, f"only {checked} locations checked; the documents lost their findings"
    assert checked_sites >= 1, "no finding of a component instance names the line that created it"


def test_report_only_records_every_finding_of_the_json_report(synthesized: dict[str, Path]) -> None:
    for name, sarif_path in synthesized.items():
        sarif = _load(sarif_path)
        report = _load(sarif_path.with_name("policy-report.json"))
        rows = [(rule, e["address"], e["attribute"], e["state"]) for rule, entries in report["findings"].items() for e in entries]
        results = sarif["runs"][0]["results"]
        got = [(r["ruleId"], r["properties"]["address"], r["properties"]["attribute"], r["properties"]["state"]) for r in results]
        assert got == rows, name
        rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        for r in results:
            assert rules[r["ruleIndex"]]["id"] == r["ruleId"], f"{name}: ruleIndex of {r['ruleId']}"
            suppressed = r["properties"]["state"] == "suppressed"
            assert ("suppressions" in r) == suppressed, f"{name}: {r}"
            if suppressed:
                assert r["suppressions"][0]["kind"] == "inSource" and len(r["suppressions"][0]["justification"]) >= 10


def test_failures_are_errors_and_rejected_suppressions_are_notified(synthesized: dict[str, Path]) -> None:
    run = _load(synthesized["insecure-stack --report-only"])["runs"][0]
    failing = [r for r in run["results"] if "suppressions" not in r]
    assert len(failing) == 3 and all(r["level"] == "error" and r["kind"] == "fail" for r in failing), failing
    unknown = [r for r in failing if r["properties"]["state"] == "unknown"]
    assert len(unknown) == 1 and "unknown until apply" in unknown[0]["message"]["text"]
    notes = run["invocations"][0]["toolConfigurationNotifications"]
    assert len(notes) == 1 and "TAP-SNS-001" in notes[0]["message"]["text"]
