"""The server's pull pages, an old commit against this one, alternated in one sitting.

Run: git worktree add --detach /tmp/doorstep-old <commit>
     .venv/bin/python bench/pull_pages_compare.py /tmp/doorstep-old [--n 10000] [--rounds 3]

Each round starts the server from each tree in turn (`python -m sync_server` run in that
folder, so its code is what serves), seeds it with pull_bench.py's N entries and measures
pull_bench.py's `http_pull` (pages of 500 over HTTP, parsed with json.loads, no device work).
Prints each tree's median `http_pull_entries_per_s` and their ratio (issue 14 asked for the
lift over the server it was filed against, measured side by side).
"""

import argparse
import secrets
import statistics
import tempfile
from pathlib import Path

import pull_bench  # sibling scripts, not a package
import sync_bench


def rate(tree: Path, n: int) -> float:
    """Start the server from tree, seed it and return its pull pages' entries per second."""
    sync_bench.ROOT = tree  # start_server runs `python -m sync_server` in ROOT
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="doorstep-pages-") as tmp:
        port = sync_bench.free_port()
        url = f"http://{sync_bench.HOST}:{port}"
        proc = sync_bench.start_server(Path(tmp) / "server.db", port, password)
        try:
            pull_bench.seed(url, password, n)
            return pull_bench.http_pull(url, password)
        finally:
            sync_bench.stop_server(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="a checkout of the older commit")
    parser.add_argument("--n", type=int, default=10_000, help="entries seeded")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": sync_bench.ROOT}
    rates: dict[str, list[float]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            rates[name].append(rate(tree, args.n))
    for name, found in rates.items():
        print(f"{name}_per_round=" + " ".join(f"{r:.0f}" for r in found))
        print(f"{name}_http_pull_entries_per_s={statistics.median(found):.0f}")
    ratio = statistics.median(rates["new"]) / statistics.median(rates["old"])
    print(f"http_pull_new_over_old={ratio:.2f}")


if __name__ == "__main__":
    main()
