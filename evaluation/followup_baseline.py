"""Follow-ups: today's rewriter (qa/followup.py) against the simplest baseline, the previous question and the
follow-up asked together. Prints figures, asserts nothing.

    .venv/bin/python -m evaluation.followup_baseline [--index-dir var/train/index] [SET …]

Two measures over every set question with a follow-up: the cosine of what is searched for to the set's
`follow_up_standalone` wording, and, for follow-ups the guideline does not cover, whether the answer's lead
states the guideline's own exclusion (`follow_up_out_of_scope`).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

SETS = Path(__file__).resolve().parent / "sets"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from app.services import open_searcher
    from core.settings import Settings
    from evaluation.answer_checks import holds
    from qa.followup import resolve
    from qa.service import AnswerService

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--index-dir", type=Path, default=Path("var/train/index"))
    args = parser.parse_args()
    paths = args.sets or sorted(p for p in SETS.glob("guideline-*.jsonl") if "paraphrase" not in p.name)
    settings = Settings(index_dir=args.index_dir)
    searcher = open_searcher(settings)
    service = AnswerService(searcher, None, settings)
    cosine: dict[str, list[float]] = {"rewrite": [], "together": []}
    scoped: dict[str, list[bool]] = {"rewrite": [], "together": []}
    unchanged = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            first, follow_up = record["question"], record.get("follow_up")
            if not follow_up:
                continue
            asked = {"rewrite": resolve(follow_up, [first]).text, "together": f"{first} {follow_up}"}
            unchanged += asked["rewrite"].strip() == follow_up.strip()
            if record.get("follow_up_standalone"):
                standalone = searcher.embed_query(record["follow_up_standalone"])
                for name, text in asked.items():
                    cosine[name].append(float(searcher.embed_query(text) @ standalone))
            if record.get("follow_up_out_of_scope"):
                for name, text in asked.items():
                    lead = [s.text for s in service.ask(text).guidelines.lead]
                    scoped[name].append(holds(lead, record["follow_up_out_of_scope"]))
    better = int(np.sum(np.asarray(cosine["rewrite"]) > np.asarray(cosine["together"])))
    print(f"{len(cosine['rewrite'])} follow-ups; the rewriter left {unchanged} as asked")
    for name in cosine:
        print(
            f"{name:<9} cosine to the standalone wording {np.mean(cosine[name]):.3f}   "
            f"out-of-scope lead states the exclusion {sum(scoped[name])} of {len(scoped[name])}"
        )
    print(f"the rewrite is closer to the standalone wording in {better} of {len(cosine['rewrite'])}")


if __name__ == "__main__":
    main()
