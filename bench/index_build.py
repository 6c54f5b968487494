"""Build figures of the similarity index from the database: `framja index_rebuild` of one
corpus in a child process, its wall time, CPU time and peak resident memory.

    .venv/bin/python bench/index_build.py --database-url postgres://.../framja_x [--corpus ideas]
                                          [--tree PATH] [--data-dir DIR]

`--tree` runs the command from another checkout (e.g. `git archive main | tar -x -C /tmp/old`)
with this virtualenv, so an old and a new build can be measured side by side on one database.
Peak memory is the child's `ru_maxrss` from `wait4` (its VmHWM): the whole process, Django
included. On a shared machine compare CPU seconds, not wall time. Seed a database with
`bench/simservice.py --ideas N --database-url URL`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--corpus", default="ideas")
    parser.add_argument("--tree", default=str(ROOT), help="The checkout to run the build from.")
    parser.add_argument("--data-dir", default="", help="Where the snapshot goes (default: a new temporary directory).")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "framja.settings",
        "DATABASE_URL": args.database_url,
        "FRAMJA_DATA_DIR": args.data_dir or tempfile.mkdtemp(prefix="framja-bench-build-"),
        "FRAMJA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    command = [sys.executable, "-m", "framja.manage", "index_rebuild", "--no-progress", args.corpus]
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, cwd=args.tree)
    _, status, usage = os.wait4(child.pid, 0)
    figures = {
        "tree": args.tree,
        "corpus": args.corpus,
        "exit_status": status,
        "build_s": round(time.monotonic() - started, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "load_average": round(os.getloadavg()[0], 1),
        "snapshots": env["FRAMJA_DATA_DIR"],
    }
    print(
        f"build of {args.corpus}: {figures['build_s']} s wall, {figures['cpu_s']} s CPU, "
        f"peak RSS {figures['peak_rss_mb']} MB (target at 1M: <= 300 s, <= 2048 MB), load {figures['load_average']}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
