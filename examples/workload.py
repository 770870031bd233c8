"""The example workload of ``python -m guppy``, runnable from a checkout:

    python3 examples/workload.py

The workload itself lives in the installed package (guppy/_example.py), so
that ``python -m guppy`` can run it; edit it there.
"""
import guppy._example

if __name__ == "__main__":
    guppy._example.main()
