#!/usr/bin/env python3
"""The kit's command line: `python grade.py --help`. Same as the `grade` console script."""
from graders.cli import main

if __name__ == "__main__":
    main()
