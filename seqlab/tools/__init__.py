"""Tools for instructors and maintainers (not imported by the course library ``seqlab``).

- :mod:`seqlab.tools.settings` paths and settings read in one place
- :mod:`seqlab.tools.otterfmt` the one reader of otter's test files, and the leak rule
- :mod:`seqlab.tools.grading`  ``seqlab-grade``: sandboxed grading of a whole class
"""
