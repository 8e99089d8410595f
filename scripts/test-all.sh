#!/usr/bin/env bash
# The project's one test command.
#
#   1. Python virtualenv (.venv) with requirements-test.txt. It is created if
#      missing and reinstalled only when requirements-test.txt (or the Python
#      version) changes.
#   2. cargo test --workspace --locked   (all Rust tests, including trybuild UI tests),
#      then clippy with warnings as errors and rustdoc with warnings as errors,
#      then cargo package (the crates stay publishable)
#   3. pytest for each Python suite that exists: tools, tap-stack/lambda/tests,
#      examples/queue-worker/lambda, tests/checkov (the checkov test synthesizes the real stack and scans it),
#      tests/sarif (the SARIF reports against the SARIF 2.1.0 schema and the source).
#   4. the benchmark harness on a small size (that it runs, not how fast).
#   5. terraform validate on every example stack (scripts/validate-stacks.py):
#      real terraform where it and its providers are at hand, else the offline
#      tfvalidate; with neither the step is SKIPPED, shown in the summary.
#
# Every step runs even if an earlier test step failed. The script exits
# non-zero if any step failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
REQUIREMENTS=requirements-test.txt
STAMP="$VENV/.requirements-test.stamp"
PY_SUITES=(tools tap-stack/lambda/tests examples/queue-worker/lambda tests/checkov tests/sarif)

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1

section() {
    printf '\n========== %s ==========\n' "$*"
}

failed=()
skipped=()
run_step() {
    # run_step NAME CMD...  runs CMD, records NAME as failed instead of exiting.
    # Exit status 77 means the step could not run here: recorded as skipped.
    local name=$1
    shift
    local start=$SECONDS
    if "$@"; then
        printf -- '---------- %s: ok (%ss)\n' "$name" "$((SECONDS - start))"
    else
        local rc=$?
        if ((rc == 77)); then
            printf -- '---------- %s: SKIPPED (%ss)\n' "$name" "$((SECONDS - start))"
            skipped+=("$name")
            return
        fi
        printf -- '---------- %s: FAILED (exit %s, %ss)\n' "$name" "$rc" "$((SECONDS - start))"
        failed+=("$name")
    fi
}

# --------------------------------------------------------------- 1. virtualenv
section "Python virtualenv ($VENV)"
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found on PATH" >&2
    exit 1
fi
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "creating $VENV"
    python3 -m venv --clear "$VENV"
fi

want_stamp=$(
    "$VENV/bin/python" - "$REQUIREMENTS" <<'PY'
import hashlib, sys
with open(sys.argv[1], "rb") as fh:
    digest = hashlib.sha256(fh.read()).hexdigest()
print(f"{digest} python{sys.version_info[0]}.{sys.version_info[1]}")
PY
)
have_stamp=$(cat "$STAMP" 2>/dev/null || true)
if [[ $want_stamp != "$have_stamp" ]]; then
    echo "installing $REQUIREMENTS (changed since the last install)"
    start=$SECONDS
    rm -f "$STAMP"
    "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    printf '%s\n' "$want_stamp" >"$STAMP"
    echo "installed in $((SECONDS - start))s"
else
    echo "$REQUIREMENTS unchanged; reusing $VENV"
fi

# --------------------------------------------------------------- 2. Rust
section "Rust: cargo test --workspace --locked"
run_step "cargo test" cargo test --workspace --locked

section "Rust: cargo clippy --workspace --all-targets -- -D warnings"
run_step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings

section "Rust: cargo doc --workspace --no-deps (warnings are errors)"
run_step "cargo doc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

# That every crate still packages: metadata, versioned path dependencies and
# the files the macros embed. --allow-dirty: a working tree with local edits
# is checked as it is; --no-verify: the build above already compiled it.
section "Rust: cargo package --workspace --no-verify --locked"
run_step "cargo package" cargo package --workspace --no-verify --locked --allow-dirty

# --------------------------------------------------------------- 3. Python
# One pytest run per suite, so each suite uses its own pytest.ini/conftest.
for suite in "${PY_SUITES[@]}"; do
    if [[ -d $suite ]]; then
        section "Python: pytest $suite"
        run_step "pytest $suite" "$VENV/bin/python" -m pytest -q "$suite"
    else
        section "Python: $suite (not present, skipped)"
    fi
done

# --------------------------------------------------------------- 4. benchmarks
# Not pass/fail on speed: only that the harness still builds and runs on a
# small size (scripts/bench.py measures for real; see BENCHMARKS.md).
section "Benchmarks: harness smoke run (python3 scripts/bench.py --quick)"
run_step "benchmark harness" "$VENV/bin/python" scripts/bench.py --quick

# --------------------------------------------------------------- 5. terraform validate
section "Terraform: validate every example stack (python3 scripts/validate-stacks.py)"
run_step "terraform validate" python3 scripts/validate-stacks.py

# --------------------------------------------------------------- summary
section "Summary"
if ((${#skipped[@]})); then
    printf 'SKIPPED (could not run here, not passed): %s\n' "${skipped[@]}"
fi
if ((${#failed[@]})); then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
if ((${#skipped[@]})); then
    echo "every step that ran passed; ${#skipped[@]} skipped (see above)"
else
    echo "all tests passed"
fi
