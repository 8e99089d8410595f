#!/usr/bin/env python3
"""`terraform validate` on every stack the project ships (standard library only).

Synthesizes each stack into a temporary directory and validates it:

  1. with a real `terraform` when one is on PATH and its providers are at
     hand (`terraform init -backend=false` succeeds in a copy of the stack:
     a user's CI with registry access or a plugin cache);
  2. otherwise with the offline `tfvalidate` tool (Terraform core as a
     library, schema-only providers), found in `../shared/tools/tfvalidate`
     next to the checkout or at `$TAP_TFVALIDATE_DIR`. Its set-up (a venv in
     its own cache, outside the repository) runs once, from PyPI;
  3. with neither, the stack is reported `SKIPPED: <why>` and the script
     exits 77, which the test command shows as a skipped step. A stack is
     never counted as valid without a validator having run on it.

The stacks:

  * every crate under `examples/`, found on its own; its binary is run as
    `cargo run -p <crate> -- OUT_DIR` (a new example needs no change here,
    unless it takes other arguments: then one line in `ARGUMENTS`);
  * the production stack, once per configuration, and the tests' stack
    binaries, one line each in `CONFIGURED`;
  * the tests' pinned stacks, `tests/golden/*` (byte-identical to what the
    golden tests synthesize; this is how the benchmark stack is covered
    without building the benchmarks).

Provider schemas beyond tfvalidate's defaults come from the crate's own
`tap.toml` (the schemas its macros check against), so a stack is validated
against the same schema it was written for.

Environment: `TAP_TF_VALIDATOR=auto|terraform|tfvalidate` (default `auto`;
the others force one validator and fail when it is missing).

Exit status: 0 every stack valid; 1 a stack failed to synthesize or
validate; 77 nothing failed but at least one stack was skipped; 2 bad usage.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXIT_SKIPPED = 77

# Examples whose binary takes more than OUT_DIR: crate name -> arguments
# (`{out}` is replaced by the output directory).
ARGUMENTS: dict[str, list[str]] = {}

# Other stack binaries, one line each: (label, crate, binary or None, arguments).
# The tap-stack options match tests/golden/tap-stack-options.
CONFIGURED: list[tuple[str, str, str | None, list[str]]] = [
    ("tap-stack (default)", "tap-stack", None, ["--out-dir", "{out}"]),
    (
        "tap-stack (every option)",
        "tap-stack",
        None,
        ["--out-dir", "{out}", "--azs", "3", "--single-nat", "--alarm-email", "oncall@example.com", "--demo-open-api", "--throwaway"],
    ),
    # The tests' stack binaries: an override of each kind, and the stack
    # that fails the policy on purpose (written in report-only mode).
    ("tests: override-stack", "tap-tests", "override-stack", ["{out}"]),
    ("tests: insecure-stack", "tap-tests", "insecure-stack", ["--report-only", "{out}"]),
]

TERRAFORM_TIMEOUT = 600


@dataclass
class Stack:
    label: str
    crate: str | None  # None: a directory that is already synthesized
    arguments: list[str] = field(default_factory=list)
    binary: str | None = None  # for a crate with several binaries
    directory: Path | None = None  # for an already synthesized stack
    schemas: list[Path] = field(default_factory=list)


def crate_name(manifest: Path) -> str:
    """The package name of a Cargo.toml; empty for a workspace-only manifest."""
    with manifest.open("rb") as fh:
        return tomllib.load(fh).get("package", {}).get("name", "")


def crate_schemas(crate_dir: Path) -> list[Path]:
    """The schema documents a crate's tap.toml lists (besides tap's embedded ones)."""
    config = crate_dir / "tap.toml"
    if not config.is_file():
        return []
    with config.open("rb") as fh:
        entries = tomllib.load(fh).get("schema", [])
    return [crate_dir / entry["path"] for entry in entries]


def stacks() -> list[Stack]:
    found = []
    for manifest in sorted(ROOT.glob("examples/*/Cargo.toml")):
        name = crate_name(manifest)
        found.append(Stack(name, name, ARGUMENTS.get(name, ["{out}"]), schemas=crate_schemas(manifest.parent)))
    for label, crate, binary, arguments in CONFIGURED:
        crate_dir = next((m.parent for m in ROOT.glob("*/Cargo.toml") if crate_name(m) == crate), ROOT)
        found.append(Stack(label, crate, arguments, binary=binary, schemas=crate_schemas(crate_dir)))
    for golden in sorted(p for p in (ROOT / "tests/golden").iterdir() if p.is_dir()):
        found.append(Stack(f"golden/{golden.name}", None, directory=golden))
    return found


def synthesize(stack: Stack, out: Path) -> tuple[list[Path], str]:
    """Runs the stack's binary; returns the stack directories it wrote, or raises with its output."""
    if stack.crate is None:
        return [stack.directory], ""
    arguments = [a.replace("{out}", str(out)) for a in stack.arguments]
    run = subprocess.run(
        ["cargo", "run", "--quiet", "--locked", "-p", stack.crate, *(["--bin", stack.binary] if stack.binary else []), "--", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TAP_REPORT_ONLY": ""},
    )
    if run.returncode != 0:
        raise RuntimeError(f"synthesis failed (exit {run.returncode}):\n{run.stdout}{run.stderr}")
    written = sorted(p for p in (out / "stacks").glob("*") if p.is_dir())
    if not written:
        raise RuntimeError(f"the binary wrote no stack under {out.name}/stacks/:\n{run.stdout}{run.stderr}")
    return written, run.stdout


class Validator:
    """Chooses, per stack, real terraform or tfvalidate, and says why not when neither can run."""

    def __init__(self, mode: str):
        self.mode = mode
        self.terraform = shutil.which("terraform") if mode in ("auto", "terraform") else None
        self.tfvalidate: Path | None = None
        self.tfvalidate_why = ""
        self.noted: set[str] = set()
        if mode in ("auto", "tfvalidate"):
            self._set_up_tfvalidate()

    def _set_up_tfvalidate(self) -> None:
        default = ROOT.parent / "shared" / "tools" / "tfvalidate"
        tool_dir = Path(os.environ.get("TAP_TFVALIDATE_DIR") or default)
        script = tool_dir / "tf_validate.sh"
        if not script.is_file():
            self.tfvalidate_why = f"no tfvalidate tool at {tool_dir.name}/ (set TAP_TFVALIDATE_DIR to its directory)"
            return
        # Once per machine; idempotent and quick when already set up. Its venv
        # lives in the tool's cache directory, not in this repository.
        setup = subprocess.run(["bash", str(tool_dir / "setup.sh")], capture_output=True, text=True)
        if setup.returncode != 0:
            tail = "\n".join(setup.stderr.strip().splitlines()[-5:])
            self.tfvalidate_why = f"tfvalidate's set-up failed (it needs PyPI):\n{tail}"
            return
        self.tfvalidate = script

    def validate(self, directory: Path, schemas: list[Path]) -> tuple[str, str, str]:
        """Returns (state, validator, detail): state is `ok`, `FAILED` or `SKIPPED`."""
        reasons = []
        if self.terraform:
            state, detail = self._terraform(directory)
            if state != "unavailable":
                return state, "terraform", detail
            reasons.append(detail)
        elif self.mode in ("auto", "terraform"):
            reasons.append("no terraform on PATH")
        if self.tfvalidate:
            for reason in reasons:
                self._note(f"{reason}; using tfvalidate")
            state, detail = self._tfvalidate(directory, schemas)
            return state, "tfvalidate", detail
        if self.mode in ("auto", "tfvalidate"):
            reasons.append(self.tfvalidate_why)
        state = "FAILED" if self.mode != "auto" else "SKIPPED"
        return state, "none", "; ".join(reasons)

    def _note(self, text: str) -> None:
        # Said once, not once per stack.
        if text not in self.noted:
            self.noted.add(text)
            print(f"note: {text}")

    def _terraform(self, directory: Path) -> tuple[str, str]:
        with tempfile.TemporaryDirectory(prefix="tap-tf-") as tmp:
            work = Path(tmp) / "stack"
            shutil.copytree(directory, work, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"))
            env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
            init = subprocess.run(
                [self.terraform, "init", "-backend=false", "-input=false", "-no-color"],
                cwd=work, capture_output=True, text=True, env=env, timeout=TERRAFORM_TIMEOUT,
            )
            if init.returncode != 0:
                first = next((line.strip(" │╷╵") for line in init.stderr.splitlines() if "Error" in line), "init failed")
                return "unavailable", f"terraform is on PATH but `terraform init -backend=false` failed ({first.strip()})"
            run = subprocess.run(
                [self.terraform, "validate", "-json", "-no-color"],
                cwd=work, capture_output=True, text=True, env=env, timeout=TERRAFORM_TIMEOUT,
            )
            try:
                report = json.loads(run.stdout)
            except json.JSONDecodeError:
                return "FAILED", f"terraform validate gave no JSON (exit {run.returncode}):\n{run.stdout}{run.stderr}"
            lines = [f"terraform validate: {report.get('error_count', 0)} errors, {report.get('warning_count', 0)} warnings"]
            for d in report.get("diagnostics", []):
                where = d.get("range", {})
                lines.append(f"  {d.get('severity', '?').upper()}: {d.get('summary', '')} [{where.get('filename', '')}:{where.get('start', {}).get('line', '')}]")
                if d.get("detail"):
                    lines.append(f"    {d['detail']}")
            state = "ok" if report.get("valid") and run.returncode == 0 else "FAILED"
            return state, "\n".join(lines)

    def _tfvalidate(self, directory: Path, schemas: list[Path]) -> tuple[str, str]:
        command = ["bash", str(self.tfvalidate)]
        for schema in schemas:
            command += ["--also", str(schema)]
        run = subprocess.run([*command, str(directory)], capture_output=True, text=True)
        output = (run.stdout + run.stderr).strip()
        if run.returncode == 0:
            return "ok", output.splitlines()[-1] if output else "no output"
        return "FAILED", f"tfvalidate exit {run.returncode}:\n{output}"


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def main() -> int:
    mode = os.environ.get("TAP_TF_VALIDATOR", "auto") or "auto"
    if mode not in ("auto", "terraform", "tfvalidate"):
        print(f"error: TAP_TF_VALIDATOR is {mode!r}; use `auto`, `terraform` or `tfvalidate`", file=sys.stderr)
        return 2
    validator = Validator(mode)
    results: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="tap-stacks-") as tmp:
        for n, stack in enumerate(stacks()):
            out = Path(tmp) / f"s{n}"
            try:
                directories, _ = synthesize(stack, out)
            except RuntimeError as error:
                print(f"[FAILED] {stack.label}: {error}")
                results.append((stack.label, "FAILED"))
                continue
            for directory in directories:
                label = stack.label if stack.crate is None else f"{stack.label} (stacks/{directory.name})"
                state, used, detail = validator.validate(directory, stack.schemas)
                if state == "SKIPPED":
                    print(f"SKIPPED: {label}: not validated: {detail}")
                elif state == "ok":
                    print(f"[ok] {label}: {used}: {detail}")
                else:
                    print(f"[FAILED] {label}: {used}:\n{indent(detail)}")
                results.append((label, state))
    counts = {s: sum(1 for _, r in results if r == s) for s in ("ok", "FAILED", "SKIPPED")}
    print(f"stacks: {len(results)}, valid {counts['ok']}, failed {counts['FAILED']}, skipped {counts['SKIPPED']}")
    if counts["FAILED"]:
        return 1
    if counts["SKIPPED"]:
        print("SKIPPED: some stacks were not validated (see above); install terraform with its providers, or tfvalidate")
        return EXIT_SKIPPED
    return 0


if __name__ == "__main__":
    sys.exit(main())
