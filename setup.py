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
