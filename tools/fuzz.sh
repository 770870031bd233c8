#!/usr/bin/env bash
# Fuzz the parsers: tools/fuzz.sh [options] TARGET...   (from the repo root)
#
# TARGET is a harness tests/fuzz/fuzz_<TARGET>.py: `via` (relation strings,
# src/relstr.c), `load` (Stat dump files, src/formats.c and src/rowscan.c)
# and `args` (wrong argument types and values at the public entry points).
#
# Builds guppy, from a copy of the tracked sources, with clang and
# -fsanitize=address,undefined,fuzzer-no-link (GUPPY_SANITIZE=1 plus
# CFLAGS) into a fresh venv holding atheris from PyPI, then runs each
# harness under atheris with its asan_with_fuzzer.so preloaded, so libFuzzer
# is guided by the C code's edges (and the facade's Python ones) and ASan/
# UBSan watch the C code.  New inputs go to a scratch dir; the committed
# corpus tests/fuzz/corpus/<TARGET>/ is read only (unless -m).  If atheris
# cannot be installed, the plain mutation fuzzer of tests/fuzz/_driver.py
# runs instead (same harnesses, same corpus; ASan from gcc's libasan), and
# a WARNING says so.
#
# Options:
#   -t SECONDS   time per target (default 30)
#   -n RUNS      inputs per target instead of a time (e.g. 1000000)
#   -p PYTHON    interpreter (default: pyenv 3.11.7, else python3)
#   -d DIR       work dir (default: a fresh mktemp dir, removed at the end
#                unless a finding is in it); the venv is DIR/venv
#   -m           merge what the run found into the committed corpus
#                (libFuzzer -merge=1: only inputs adding coverage)
#   -F           force the fallback fuzzer
# Exit status: 0 if no finding; 1 if any; 2 on a setup error.  Findings
# (crash-*, plus the log) are kept in DIR/findings/<TARGET>/.
set -euo pipefail

repo=$(pwd)
if [ ! -f "$repo/tests/fuzz/_driver.py" ]; then
    echo "tools/fuzz.sh: run me from the repo root" >&2
    exit 2
fi
seconds=30 runs= py= work= merge=0 force_fallback=0
while getopts "t:n:p:d:mF" opt; do
    case $opt in
        t) seconds=$OPTARG ;;
        n) runs=$OPTARG ;;
        p) py=$OPTARG ;;
        d) work=$OPTARG ;;
        m) merge=1 ;;
        F) force_fallback=1 ;;
        *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(via load args)
fi
for t in "${targets[@]}"; do
    if [ ! -f "$repo/tests/fuzz/fuzz_$t.py" ]; then
        echo "tools/fuzz.sh: no harness tests/fuzz/fuzz_$t.py" >&2
        exit 2
    fi
done
if [ -z "$py" ]; then
    py=${PYENV_ROOT:-$HOME/.pyenv}/versions/3.11.7/bin/python
    [ -x "$py" ] || py=$(command -v python3)
fi
own_work=0
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/guppy-fuzz.XXXXXX")
    own_work=1
fi
mkdir -p "$work"
venv="$work/venv"
vpy="$venv/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# --- build ------------------------------------------------------------------
rm -rf "$venv" "$work/src"
mkdir -p "$work/src"
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do
        [ -f "$f" ] && cp --parents -- "$f" "$work/src/"
    done
"$py" -m venv "$venv"

mode=atheris
if [ "$force_fallback" = 1 ]; then
    mode=fallback
elif ! command -v clang >/dev/null; then
    echo "WARNING: no clang: using the fallback fuzzer" >&2
    mode=fallback
elif ! "$vpy" -m pip install -q atheris >"$work/atheris-install.log" 2>&1; then
    echo "WARNING: atheris could not be installed (see" \
         "$work/atheris-install.log): using the fallback fuzzer" >&2
    mode=fallback
fi

if [ "$mode" = atheris ]; then
    # -O1 keeps asserts (no -DNDEBUG: CFLAGS replaces the interpreter's).
    CC=clang CFLAGS="-O1 -fsanitize=fuzzer-no-link" GUPPY_SANITIZE=1 \
        "$vpy" -m pip install -q --no-cache-dir "$work/src" \
        >"$work/build.log" 2>&1 || {
            cat "$work/build.log" >&2
            echo "ERROR: instrumented build failed" >&2
            exit 2
        }
    so=$(ls "$venv"/lib/python*/site-packages/guppy/_guppy*.so)
    if [ "$(nm -D "$so" | grep -c '__sanitizer_cov_8bit_counters_init')" -eq 0 ]; then
        echo "ERROR: $so has no libFuzzer instrumentation" >&2
        exit 2
    fi
    runtime=$("$vpy" -c 'import atheris; print(atheris.path())')/asan_with_fuzzer.so
    if [ ! -f "$runtime" ]; then
        echo "ERROR: atheris has no asan_with_fuzzer.so ($runtime)" >&2
        exit 2
    fi
else
    GUPPY_SANITIZE=1 "$vpy" -m pip install -q --no-cache-dir "$work/src" \
        >"$work/build.log" 2>&1 || {
            cat "$work/build.log" >&2
            echo "ERROR: sanitizer build failed" >&2
            exit 2
        }
    so=$(ls "$venv"/lib/python*/site-packages/guppy/_guppy*.so)
    runtime=$(ldd "$so" | awk '/libasan/ {print $3}')
    if [ -z "$runtime" ] || [ ! -f "$runtime" ]; then
        echo "ERROR: cannot find the libasan that $so links" >&2
        exit 2
    fi
fi
echo "fuzz: $mode, $("$vpy" -c 'import sys; print(sys.version.split()[0])')," \
     "runtime $runtime"

# --- run --------------------------------------------------------------------
status=0
for t in "${targets[@]}"; do
    corpus="$repo/tests/fuzz/corpus/$t"
    new="$work/new/$t"
    found="$work/findings/$t"
    mkdir -p "$new" "$found"
    if [ -n "$runs" ]; then
        limit="-runs=$runs"
    else
        limit="-max_total_time=$seconds"
    fi
    args=("$limit" "-artifact_prefix=$found/")
    if [ "$mode" = atheris ]; then
        # -timeout: an input taking 10 s is a finding (the parsers are
        # linear); -rss_limit_mb: ASan's quarantine plus atheris.
        args+=(-timeout=10 -rss_limit_mb=4096 -print_final_stats=1)
    else
        args+=(--fallback)
    fi
    log="$work/$t.log"
    echo "fuzz: $t ($limit) ..."
    start=$SECONDS
    rc=0
    (cd "$work" && env LD_PRELOAD="$runtime" PYTHONMALLOC=malloc \
        ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:halt_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$vpy" "$repo/tests/fuzz/fuzz_$t.py" "${args[@]}" "$new" "$corpus" \
        >"$log" 2>&1) || rc=$?
    summary=$(grep -E '^Done [0-9]+ runs|^fallback fuzzer|stat::number_of_executed_units' "$log" | tail -n 2 | tr '\n' ' ')
    if [ "$rc" -ne 0 ] || ls "$found"/crash-* "$found"/timeout-* "$found"/oom-* >/dev/null 2>&1; then
        status=1
        cp "$log" "$found/"
        echo "fuzz: $t: FINDING (exit $rc, $((SECONDS - start)) s); kept in $found" >&2
        grep -v '^INFO: Instrumenting' "$log" | grep -E -B2 -A25 \
            'Uncaught Python exception|ERROR: (AddressSanitizer|libFuzzer)|runtime error:|^finding:' \
            | head -n 60 >&2 || tail -n 40 "$log" >&2
        continue
    fi
    echo "fuzz: $t: no finding, $((SECONDS - start)) s: $summary"
    if [ "$merge" = 1 ] && [ "$mode" = atheris ]; then
        # -merge=1 runs the harness again as a command (argv[0]): its
        # `#!/usr/bin/env python3` must find the venv's python.
        (cd "$work" && env PATH="$venv/bin:$PATH" LD_PRELOAD="$runtime" \
            PYTHONMALLOC=malloc \
            ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
            "$vpy" "$repo/tests/fuzz/fuzz_$t.py" -merge=1 "$corpus" "$new" \
            >"$work/$t.merge.log" 2>&1)
        echo "fuzz: $t: merged into $corpus ($(ls "$corpus" | wc -l) files)"
    fi
done

if [ "$status" -eq 0 ] && [ "$own_work" = 1 ]; then
    rm -rf "$work"
elif [ "$status" -ne 0 ]; then
    echo "fuzz: work dir kept: $work" >&2
fi
exit "$status"
