"""Page render times of the web app, measured in-process (no network), for benchmarks.

    python -m storyline.web.timing storyline-demo.db

`measure_pages` is what benchmarks/web_pages.py calls on a large generated store.
It needs httpx (the 'test' extra) for FastAPI's TestClient.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any
from urllib.parse import quote, urlencode

from ..settings import Settings


def default_paths(store) -> list[str]:
    """A realistic set of pages: home, the latest, the 11th latest and the largest storyline,
    one event, one document, a search, an entity, and the matching API calls."""
    latest, _ = store.web_storylines(limit=1)
    typical, _ = store.web_storylines(limit=1, offset=10)
    largest = store.web_largest_storylines(1)
    paths = ["/", "/api/storylines?limit=20"]
    facets = store.web_facets()
    if facets["outlets"]:
        paths.append("/?" + urlencode({"outlet": facets["outlets"][0][0]}))
    for sid in dict.fromkeys([s["id"] for s in latest + typical] + largest):
        paths += [f"/storylines/{quote(sid, safe='')}", f"/api/storylines/{quote(sid, safe='')}"]
    if largest:
        docs = store.document_summaries(storyline=largest[0])
        if docs:
            doc = docs[0]
            paths.append(f"/documents/{quote(doc['id'], safe='')}?hl=0-40")
            if doc["event"]:
                paths.append(f"/events/{quote(doc['event'], safe='')}")
            words = [w for w in (doc["title"] or "").split() if len(w) > 4][:2]
            if words:
                paths += ["/search?" + urlencode({"q": " ".join(words)}),
                          "/api/search?" + urlencode({"q": " ".join(words)})]
            entity = next(iter(store.get_analysis([doc["id"]]).get(doc["id"], {}).get("entities", [])), None)
            if entity and entity.get("entity"):
                paths.append(f"/entities/{quote(entity['entity'], safe='')}")
    paths.append("/api/events?" + urlencode({"from": "2000-01-01", "limit": 50}))
    return paths


def measure_pages(store_url: str, *, paths: list[str] | None = None, repeat: int = 5,
                  settings: Settings | None = None) -> list[dict[str, Any]]:
    """Time each page `repeat` times after one warm-up request (which also runs any pending
    lazy analysis, so it is not counted).

    Returns:
        One dict per path: path, status, median_ms and max_ms (the whole request, in
        process), app_ms (the app's own time, from its Server-Timing header), cpu_ms (CPU
        time of the process: what the request costs on an idle machine), bytes.
    """
    from fastapi.testclient import TestClient

    from .app import create_app

    app = create_app(store_url, settings=settings)
    rows = []
    with TestClient(app) as client:
        paths = paths or default_paths(app.state.web.store())
        for path in paths:
            response = client.get(path)
            times, app_times, cpu_times = [], [], []
            for _ in range(repeat):
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu) * 1000)
                app_times.append(_server_timing(response.headers.get("server-timing", "")))
            rows.append({"path": path, "status": response.status_code, "median_ms": round(statistics.median(times), 1),
                         "max_ms": round(max(times), 1), "app_ms": round(statistics.median(app_times), 1),
                         "cpu_ms": round(statistics.median(cpu_times), 1),
                         "bytes": len(response.content)})
    return rows


def _server_timing(header: str) -> float:
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    return float("nan")


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m storyline.web.timing STORE [REPEAT]", file=sys.stderr)
        return 2
    rows = measure_pages(argv[0], repeat=int(argv[1]) if len(argv) > 1 else 5)
    width = max(len(r["path"]) for r in rows)
    for r in rows:
        print(f"{r['path'][:width]:<{width}}  {r['status']}  median {r['median_ms']:7.1f} ms  "
              f"max {r['max_ms']:7.1f} ms  app {r['app_ms']:7.1f} ms  cpu {r['cpu_ms']:7.1f} ms  "
              f"{r['bytes'] / 1024:7.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
