"""The benchmark runs end to end on tiny inputs and ends with the documented JSON line."""

from __future__ import annotations

import io
import json

import pytest

from framja.similarity import benchmark

FIGURES = {"recall@1", "recall@5", "recall@10", "mrr", "p50_ms", "p95_ms", "flag_gold", "flag_other"}
SCALE_FIGURES = {"build_s", "peak_mb", "p50_ms", "p95_ms", "qps", "recall"}


def test_pairs_report_has_the_documented_shape(tmp_path):
    pairs = tmp_path / "tiny_pairs.tsv"
    pairs.write_text(
        'query\tmatch\n"Åbn flasken.\tÖppna flaskan.\nJeg kan ikke lide kaffe.\tJag tycker inte om kaffe.\n',
        encoding="utf-8",
    )
    distractors = tmp_path / "distractors.txt"
    distractors.write_text("En man spelar gitarr.\nTvå hundar leker i snön.\n", encoding="utf-8")
    out = io.StringIO()
    calls = []

    def fake_pg(corpus):
        def rank(text, k):
            calls.append(text)
            return [(0, 1.0)]

        return rank

    benchmark.run(["--pairs", str(pairs), "--distractors", str(distractors)], pg_similarity=fake_pg, out=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    row = result["sets"]["tiny_pairs"]
    assert set(row["framja"]) >= FIGURES
    assert FIGURES | {"share_at_0.25"} <= set(row["baseline"])
    assert row["queries"] == 2
    assert row["corpus"] == 4
    assert row["framja"]["recall@1"] == 1.0
    assert "baseline_pg" in row
    assert len(calls) == 2


def test_quoted_fields_are_read_verbatim(tmp_path):
    pairs = tmp_path / "q.tsv"
    pairs.write_text('query\tmatch\n"Hej," sa han\t"Hej" sa hon\n', encoding="utf-8")
    assert benchmark.read_pairs(pairs) == [('"Hej," sa han', '"Hej" sa hon')]


NEEDS_DATA = pytest.mark.skipif(
    not (benchmark.DEFAULT_DATA / "similarity" / "nb_nn_dev_pairs.tsv").exists(), reason="../shared/data is not present"
)


@NEEDS_DATA
def test_small_scale_run(tmp_path):
    out = io.StringIO()
    result = benchmark.run(["--scale", "400", "--queries", "10", "--baseline-queries", "5"], out=out)
    figures = result["scale"]["400"]
    assert SCALE_FIGURES | {"load_s"} <= set(figures["framja"])
    assert set(figures["baseline"]) >= SCALE_FIGURES
    assert figures["framja"]["recall"] >= 0.9
    for scoring in ("typed_symmetric", "typed_draft"):
        assert set(figures["framja"][scoring]) == {"5 words", "12 words", "25 words", "whole"}
        assert set(figures["framja"][scoring]["12 words"]) == {"recall@1", "recall@5", "recall@10", "shown", "absent"}
    assert set(figures["baseline"]["typed"]) == {"5 words", "12 words", "25 words", "whole"}
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == json.loads(json.dumps(result))


@NEEDS_DATA
def test_scale_corpus_is_nordic_topical_and_its_twins_are_rewrites():
    corpus = benchmark.ScaleCorpus(2000, benchmark.DEFAULT_DATA, n_queries=20)
    assert len(set(corpus.texts)) >= 1990
    lengths = [len(text.split()) for text in corpus.texts]
    assert min(lengths) >= 30
    assert max(lengths) <= 400
    assert len(corpus.queries) == len(corpus.gold) == 20
    assert {language for language, _ in corpus.topics} <= {"sv", "nb", "nn", "da"}
    # no Spanish or German (the CONSUL proposals are not used)
    assert not any(" que " in text or " und " in text for text in corpus.texts)
    # every query meets other ideas on its subject, in its language
    assert sum(corpus.same_topic(i) for i in range(20)) / 20 >= 5
    for i, query in enumerate(corpus.queries):
        source = corpus.texts[corpus.gold[i]]
        # a rewrite: no sentence copied from the source (the title neither), and shorter
        assert query.split("\n")[0] not in source
        assert corpus.prefix(i, 12) == " ".join(query.split()[:12])
    # shortened: about a quarter of each body is dropped
    rewritten = sum(len(q.split()) for q in corpus.queries)
    assert rewritten < 0.9 * sum(len(corpus.texts[g].split()) for g in corpus.gold)
