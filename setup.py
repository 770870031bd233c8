"""Build the C engine (guppy._guppy) from src/.

Only the extension lives here; metadata is in pyproject.toml.  Set
GUPPY_SANITIZE=1 to build with AddressSanitizer and UBSan, GUPPY_DEBUG=1 for
asserts and validators.
"""
import glob
import os
import sysconfig

from setuptools import Extension, setup

include = sysconfig.get_paths()["include"]
cflags = [
    "-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden",
    # Python's own headers are not ours to fix: treat them as system headers.
    "-isystem", include,
]
ldflags = []
macros = []
if os.environ.get("GUPPY_DEBUG"):
    cflags += ["-O0", "-g", "-UNDEBUG"]
    macros.append(("GUPPY_DEBUG", "1"))
if os.environ.get("GUPPY_SANITIZE"):
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
           "-fno-sanitize-recover=undefined"]
    cflags += san + ["-g"]
    ldflags += san
# Link-time optimisation lets the walk's per-object calls into other files
# (sizes, pyinternals) be inlined: about 5 % off heap(). gcc only: clang's
# needs a linker plugin the system linker may lack.
compiler = os.environ.get("CC") or sysconfig.get_config_var("CC") or ""
if ("gcc" in compiler and "clang" not in compiler
        and not os.environ.get("GUPPY_SANITIZE")
        and not os.environ.get("GUPPY_DEBUG")):
    cflags.append("-flto=auto")
    ldflags.append("-flto=auto")

setup(
    ext_modules=[
        Extension(
            "guppy._guppy",
            sources=sorted(glob.glob("src/*.c")),
            depends=sorted(glob.glob("src/*.h")),
            extra_compile_args=cflags,
            extra_link_args=ldflags,
            define_macros=macros,
        )
    ]
)
