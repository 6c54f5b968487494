"""The mix of bench/load/run.py: what the public and caseworkers ask of the idea sluice.

Staff requests carry the session cookie the runner created (LOAD_SESSION); idea ids and words
come from the runner (LOAD_IDEAS, LOAD_WORDS). Each request is named after its endpoint so
locust's statistics are per endpoint; `trivial` (/healthz) is the baseline in the same run."""

from __future__ import annotations

import os
import random
import uuid

from locust import HttpUser, between, task

SESSION = os.environ.get("LOAD_SESSION", "")
IDEAS = [int(i) for i in os.environ.get("LOAD_IDEAS", "").split(",") if i]
WORDS = os.environ.get("LOAD_WORDS", "cykelbana").split(",")
ORG = os.environ.get("LOAD_ORGANISATION", "bench-0")
REGION = os.environ.get("LOAD_REGION", "bench-region")
TOKEN = os.environ.get("LOAD_TOKEN", "")
RUN = os.environ.get("LOAD_RUN", "run")
MUNICIPALITY = os.environ.get("LOAD_MUNICIPALITY", "SE-9900")
ACCEPTED = os.environ.get("LOAD_ACCEPTED", "")  # the runner's file of acknowledged titles


class Visitor(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.headers["Accept-Language"] = "sv"

    @task(3)
    def submit_page(self) -> None:
        self.client.get("/ideas/submit/", name="submit_page")

    @task(3)
    def similar(self) -> None:
        text = " ".join(random.choices(WORDS, k=8))
        self.client.get("/ideas/submit/similar/", params={"title": text[:40], "description": text}, name="similar")

    @task(1)
    def submission(self) -> None:
        """A submission through the API (a signed-in submitter: the anonymous limit per address
        would refuse a load from one machine), with an idempotency key as the page's client
        sends; the title carries this run's marker so the runner can find every stored idea."""
        words = random.choices(WORDS, k=12)
        body = {
            "title": f"{' '.join(words[:4])} {RUN}-{uuid.uuid4().hex}",
            "description": " ".join(words) + ". " + " ".join(random.choices(WORDS, k=20)) + ".",
            "municipality": MUNICIPALITY,
            "consent": True,
        }
        headers = {"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            "/api/v1/ideas", json=body, headers=headers, name="submission", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"answered {response.status_code}")
            elif ACCEPTED:
                with open(ACCEPTED, "a", encoding="utf-8") as handle:
                    handle.write(body["title"] + "\n")

    @task(2)
    def public_idea(self) -> None:
        self.client.get(f"/ideas/{random.choice(IDEAS)}/", name="public_idea")

    @task(1)
    def trivial(self) -> None:
        self.client.get("/healthz", name="trivial")


class Caseworker(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSION)
        self.client.headers["Accept-Language"] = "sv"

    def get(self, path: str, name: str, **params: object) -> None:
        """A staff request; anything but 200 (a redirect to the login page too) is an error."""
        with self.client.get(path, params=params, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")

    @task(3)
    def inbox(self) -> None:
        self.get("/ideas/inbox/", "inbox", organisation=ORG)

    @task(2)
    def inbox_search(self) -> None:
        self.get("/ideas/inbox/", "inbox_search", organisation=ORG, q=random.choice(WORDS))

    @task(3)
    def casework(self) -> None:
        self.get(f"/ideas/casework/{random.choice(IDEAS)}/", "casework")

    @task(1)
    def dashboard(self) -> None:
        self.get("/ideas/dashboard/", "dashboard", organisation=ORG)

    @task(1)
    def regional(self) -> None:
        self.get("/ideas/regional/", "regional", organisation=REGION)

    @task(2)
    def api_list(self) -> None:
        self.get("/api/v1/ideas", "api_list", organisation=ORG)

    @task(1)
    def csv_export(self) -> None:
        self.get("/ideas/inbox/export.csv", "csv_export", organisation=ORG)

    @task(1)
    def trivial(self) -> None:
        self.client.get("/healthz", name="trivial")
