"""``python -m guppy``: run the built-in example workload (guppy/_example.py)
and print the heap it adds, by class and by type."""
from guppy._example import main

if __name__ == "__main__":
    main()
