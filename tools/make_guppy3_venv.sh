#!/usr/bin/env bash
# Make (or reuse) a virtualenv holding guppy3, the behaviour oracle, for one
# CPython:   tools/make_guppy3_venv.sh PYTHON
# Creates ~/.cache/guppy-c/guppy3-<major>.<minor> with `PYTHON -m venv` and
# `pip install guppy3`, then prints that venv's python path on stdout (all
# other output goes to stderr).  Idempotent: a venv whose python already
# imports guppy3 is reused as is.  tests/oracle.py finds the venv there.
# Env: GUPPY3_SPEC (default "guppy3") is the pip requirement to install.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 PYTHON" >&2
    exit 2
fi
python=$1
spec=${GUPPY3_SPEC:-guppy3}

ver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv="$HOME/.cache/guppy-c/guppy3-$ver"
vpy="$venv/bin/python"

# guppy3 is imported as `guppy`; run the check from / so no source tree shadows it.
have_guppy3() {
    [ -x "$vpy" ] && (cd / && "$vpy" -c 'import guppy.heapy, guppy.sets; from guppy import hpy' ) >/dev/null 2>&1
}

mkdir -p "$(dirname "$venv")"
# One maker at a time per venv: .ci/run's suite and asan jobs may ask for
# the same one at once on a fresh machine.
exec 9>"$venv.lock"
flock 9

if ! have_guppy3; then
    echo "make_guppy3_venv: creating $venv with $python ($ver)" >&2
    if [ ! -x "$vpy" ]; then
        rm -rf "$venv"
        "$python" -m venv "$venv" >&2
    fi
    "$vpy" -m pip install --quiet --disable-pip-version-check "$spec" >&2
    if ! have_guppy3; then
        echo "make_guppy3_venv: guppy3 does not import in $venv" >&2
        exit 1
    fi
fi
echo "$vpy"
