"""`python -m polls`: serve the app with gunicorn."""

import os
import sys


def main() -> None:
    from gunicorn.app.wsgiapp import run

    bind = os.environ.get("POLLS_BIND", "127.0.0.1:8000")
    sys.argv = ["gunicorn", "--bind", bind, "polls.wsgi:application"]
    run()


if __name__ == "__main__":
    main()
