#!/bin/sh
# Främja's similarity engine beside the Decidim trigram baseline: every dev set, then the
# scale runs. Each run prints tables and ends with one JSON line. The 1M run takes about
# 15 minutes and ~4 GB on 2 cores; set SCALES to change the sizes, e.g. SCALES="10000".
#   bench/similarity.sh                   # without Django (pure library)
#   BENCH="framja bench_similarity" bench/similarity.sh   # through the Django command (+ pg_trgm SQL on PostgreSQL)
set -eu
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
SCALES=${SCALES:-"10000 100000 1000000"}
BENCH=${BENCH:-".venv/bin/python -m framja.similarity.benchmark"}

$BENCH \
  --pairs "$DATA/similarity/sweparaphrase_dev_pairs.tsv" \
  --pairs "$DATA/similarity/nb_nn_dev_pairs.tsv" \
  --pairs "$DATA/similarity/tatoeba_dan_swe_pairs.tsv" \
  --distractors "$DATA/similarity/distractors_dev.txt"

for n in $SCALES; do
  $BENCH --scale "$n" --queries 300 --data-dir "$DATA"
done

# What the submit page would suggest: twin shown / any suggestion without the twin.
.venv/bin/python bench/suggestions.py --data-dir "$DATA"
