"""Benchmark of the shared similarity service: one writer and several reader processes.

    .venv/bin/python bench/simservice.py [--ideas 100000] [--readers 4] [--queries 300]
                                         [--baseline-queries 30] [--database-url URL]

Seeds N synthetic Nordic ideas (sentences from ../shared/data/similarity, topical titles)
into a database of its own (default: a SQLite file under /tmp; reused when it already holds
N ideas), then measures, in one run:

- the one-pass build from the database (`framja index_rebuild` in a child process): wall
  time and peak resident memory;
- N readers + the writer: each reader's time to ready (process start to first answer, and
  opening the snapshot alone), the total proportional set size of all processes (PSS from
  /proc/<pid>/smaps_rollup: pages shared through the memory-mapped snapshot count once);
- an idea saved through one reader and suggested by another: the delay;
- as-you-type query latency (first 12 words of stored ideas, draft score) in a reader, beside the
  pg_trgm-style baseline (a full scan of trigram sets, `framja.similarity.trigram`) on the
  same texts in the same run.

Prints one line per figure with its target, and a last line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "similarity"

READER = textwrap.dedent(
    """
    import json, sys, time
    started = time.monotonic()
    import django
    django.setup()
    from framja.ideas import matching
    from framja.indexes import services
    opened = time.monotonic()
    services.reader("ideas").sync(force=True)
    opened = time.monotonic() - opened
    matching.similar("cykelparkering vid resecentrum")
    print(json.dumps({"ready": time.monotonic() - started, "open": opened}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "save":
            from framja.ideas.models import Idea
            template = Idea.objects.order_by("pk").first()
            template.pk = None
            template._state.adding = True  # Idea.save() updates named fields of a loaded row
            template.reference = command["reference"]
            template.title, template.description = command["title"], command["text"]
            template.save()
            print(json.dumps({"saved_at": time.time(), "id": template.pk}), flush=True)
        elif command["do"] == "wait_for":
            while command["id"] not in [m.idea_id for m in matching.similar(command["text"], k=10)]:
                time.sleep(0.005)
            print(json.dumps({"found_at": time.time()}), flush=True)
        elif command["do"] == "queries":
            times = []
            for text in command["texts"]:
                t = time.perf_counter()
                matching.similar(text, k=5, draft=True)
                times.append(time.perf_counter() - t)
            print(json.dumps({"times": times}), flush=True)
    """
)

WRITER = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from framja.indexes import services
    snapshot = services.publish("ideas", force=True)
    print(json.dumps({"published": snapshot.name if snapshot else None}), flush=True)
    sys.stdin.readline()
    """
)


def _sentences() -> tuple[list[str], list[str]]:
    sentences: list[str] = []
    for name in ("sweparaphrase_dev_pairs.tsv", "nb_nn_dev_pairs.tsv", "tatoeba_dan_swe_pairs.tsv"):
        path = DATA / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                sentences.extend(part for part in line.split("\t")[:2] if len(part.split()) >= 3)
    distractors = DATA / "distractors_dev.txt"
    if distractors.exists():
        sentences.extend(s for s in distractors.read_text(encoding="utf-8").splitlines() if len(s.split()) >= 3)
    if not sentences:
        raise SystemExit(f"no Nordic sentences under {DATA}")
    titles = [s for s in sentences if len(s.split()) <= 10] or sentences
    return titles, sentences


def seed(n: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from framja.ideas.models import Idea, Sluice
    from tests.factories import CountyFactory, MunicipalityFactory, OrganisationFactory

    # Ideas saved by an earlier run's write-to-suggest step: their identical texts would crowd
    # this run's saves out of the top 10.
    Idea.objects.filter(reference__startswith="IDE-2380-S-").delete()
    have = Idea.objects.count()
    if have >= n:
        return
    rng = random.Random(20261206)
    titles, sentences = _sentences()
    if have == 0:
        county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
        MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)
        organisation = OrganisationFactory.create(name="Bench", organisation_number="5565945689")
        Sluice.create_default(lead_organisation=organisation)
    sluice = Sluice.objects.select_related("lead_organisation").first()
    assert sluice is not None
    stage = sluice.stages.get(kind="received")
    from framja.places.models import Municipality

    municipality = Municipality.objects.get(code="2380")
    now = timezone.now()
    print(f"seeding {n - have} ideas ...", file=sys.stderr, flush=True)
    batch: list[Idea] = []
    for i in range(have, n):
        words, body = rng.randint(30, 150), []
        while sum(len(s.split()) for s in body) < words:
            body.append(rng.choice(sentences))
        batch.append(
            Idea(
                reference=f"IDE-2380-B-{i:07d}",
                title=rng.choice(titles)[:200],
                description=" ".join(body),
                municipality=municipality,
                receiving_organisation=sluice.lead_organisation,
                sluice=sluice,
                stage=stage,
                stage_entered_at=now,
                submitter_name="Bench",
                submitter_email="bench@example.org",
                consented_at=now,
                language="sv",
            )
        )
        if len(batch) == 5_000:
            with transaction.atomic():
                Idea.objects.bulk_create(batch)
            batch = []
    if batch:
        Idea.objects.bulk_create(batch)


def pss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--work-dir", default=str(Path(tempfile.gettempdir()) / "framja-bench-simservice"))
    args = parser.parse_args()

    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "framja.settings",
        "DATABASE_URL": args.database_url or f"sqlite:///{work / f'ideas-{args.ideas}.sqlite3'}",
        "FRAMJA_DATA_DIR": str(work / f"data-{args.ideas}"),
        "FRAMJA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    subprocess.run([sys.executable, "-m", "framja.manage", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    import django

    django.setup()
    seed(args.ideas)
    from framja.ideas.models import Idea
    from framja.similarity.trigram import TrigramBaseline

    figures: dict[str, Any] = {"ideas": Idea.objects.count(), "readers": args.readers}

    # 1. the one-pass build from the database, in a child process
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "framja.manage", "index_rebuild", "--no-progress"], env=env, cwd=ROOT, check=True
    )
    figures["build_s"] = round(time.monotonic() - started, 1)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # only the migrate and build children so far
    figures["build_peak_mb"] = round(usage.ru_maxrss / 1024)
    figures["build_and_migrate_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)  # wall time lies on a busy host
    print(
        f"build from the database: {figures['build_s']} s, peak {figures['build_peak_mb']} MB, "
        f"CPU (with migrate) {figures['build_and_migrate_cpu_s']} s",
        flush=True,
    )

    # 2. readers and the writer
    readers, ready = [], []
    for _ in range(args.readers):  # one after the other: "a newly started worker", not a stampede
        process = subprocess.Popen(
            [sys.executable, "-c", READER], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        readers.append(process)
        ready.append(json.loads(process.stdout.readline()))  # type: ignore[union-attr]
    figures["reader_ready_s"] = round(max(r["ready"] for r in ready), 2)
    figures["load_average"] = os.getloadavg()[0]
    figures["reader_open_snapshot_s"] = round(max(r["open"] for r in ready), 3)

    def ask(process: subprocess.Popen[str], command: dict[str, Any]) -> dict[str, Any]:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps(command) + "\n")
        process.stdin.flush()
        return dict(json.loads(process.stdout.readline()))

    # 3. saved through one reader, suggested by another
    delays = []
    for i in range(5):
        text = f"Solceller på taket av idrottshallen nummer {i} med batterilager för kvällsträning"
        saved = ask(
            readers[0], {"do": "save", "reference": f"IDE-2380-S-{time.time_ns()}", "title": "Solceller", "text": text}
        )
        found = ask(readers[-1], {"do": "wait_for", "id": saved["id"], "text": text})
        delays.append(found["found_at"] - saved["saved_at"])
    figures["saved_to_suggested_max_s"] = round(max(delays), 3)

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdin is not None
    json.loads(writer.stdout.readline())
    time.sleep(0.5)
    # readers move to the writer's new snapshot on their next query
    rng = random.Random(7)
    sample = list(Idea.objects.order_by("?").values_list("title", "description")[: args.queries])
    texts = [" ".join(f"{title} {text}".split()[:12]) for title, text in sample]
    times = ask(readers[1], {"do": "queries", "texts": texts})["times"]
    for process in readers:
        ask(process, {"do": "queries", "texts": texts[:3]})
    pids = [p.pid for p in readers] + [writer.pid]
    figures["pss_total_mb"] = round(sum(pss_kb(pid) for pid in pids) / 1024)
    figures["pss_each_mb"] = [round(pss_kb(pid) / 1024) for pid in pids]
    figures["writer_peak_mb"] = round(hwm_kb(writer.pid) / 1024)
    figures["query_p95_ms"] = round(p95(times), 2)
    figures["query_p50_ms"] = round(sorted(times)[len(times) // 2] * 1000, 2)

    writer.stdin.write("\n")
    writer.stdin.flush()
    for process in readers:
        assert process.stdin is not None
        process.stdin.close()
    for process in [*readers, writer]:
        process.wait(timeout=60)

    # 4. the pg_trgm-style baseline on the same texts, in the same run
    baseline = TrigramBaseline()
    baseline.build(f"{t}\n{d}" for t, d in Idea.objects.order_by("pk").values_list("title", "description").iterator())
    base_times = []
    for text in rng.sample(texts, min(args.baseline_queries, len(texts))):
        t = time.perf_counter()
        baseline.query(text, 5)
        base_times.append(time.perf_counter() - t)
    figures["baseline_p95_ms"] = round(p95(base_times), 1)
    figures["speedup_p95"] = round(figures["baseline_p95_ms"] / max(figures["query_p95_ms"], 1e-3), 1)

    rows = [
        (
            "build from the database",
            f"{figures['build_s']} s, peak {figures['build_peak_mb']} MB",
            "1M: <= 300 s, <= 2048 MB",
        ),
        ("reader ready (process start)", f"{figures['reader_ready_s']} s", "<= 2 s"),
        ("reader opens the snapshot", f"{figures['reader_open_snapshot_s']} s", ""),
        ("PSS of readers + writer", f"{figures['pss_total_mb']} MB {figures['pss_each_mb']}", "1M: <= 4096 MB"),
        ("writer peak RSS (publish)", f"{figures['writer_peak_mb']} MB", ""),
        ("saved -> suggested by another", f"{figures['saved_to_suggested_max_s']} s (max of 5)", "<= 1 s"),
        ("as-you-type query p50 / p95", f"{figures['query_p50_ms']} / {figures['query_p95_ms']} ms", "p95 <= 20 ms"),
        ("pg_trgm-style baseline p95", f"{figures['baseline_p95_ms']} ms ({figures['speedup_p95']}x)", ">= 50x"),
    ]
    print(f"\n{figures['ideas']} ideas, {args.readers} readers + 1 writer, load average {figures['load_average']:.1f}")
    for name, value, target in rows:
        print(f"  {name:32} {value:40} {target}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
