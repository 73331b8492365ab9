"""wheelwright's builder helper: builds an application's wheel and the wheels of its whole closure.

Runs inside the builder (or the local engine's venv) with the target Python, started as
`python -m wheelwright_helper build --request FILE`. The protocol (request, events, report, exit
codes) is in README.md beside this file.
"""

__version__ = "2.0.0"
