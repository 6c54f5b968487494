"""What the submit page would suggest, measured on the paired development sets.

    .venv/bin/python bench/suggestions.py [--data-dir ../shared/data]

Prints, per set and direction, the share of queries whose twin is shown (twin present) and
the share that get any suggestion when the twin is removed (twin absent), for the old rule
(score ≥ 0.1), the current rule (framja.similarity.relevance) and the rule chosen without the
set's own file (held out); the last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from framja.similarity import suggestions
from framja.similarity.benchmark import read_lines

SETS = ("sweparaphrase_dev_pairs", "nb_nn_dev_pairs", "tatoeba_dan_swe_pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    folder = args.data_dir / "similarity"
    result = suggestions.run(
        [folder / f"{name}.tsv" for name in SETS], read_lines(folder / "distractors_dev.txt"), sys.stdout
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
