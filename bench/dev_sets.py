"""Development variants of the shipped data that look like other corpora, so tuning is never done on one set.

    .venv/bin/python bench/dev_sets.py [--out var/dev] [--questions 300]

Writes (never into ../shared, never committed):
- `pubmedqa-nomesh.jsonl`: the PubMedQA abstracts with MeSH removed (most corpora carry none);
- `pubmedqa-title-only.jsonl`: the same records reduced to a title made from the first sentence of their
  conclusions, no abstract (title-only records, as many older PubMed records are);
- `pubmedqa-titled.jsonl`: titled records: that title, and the abstract without its conclusions;
- `medquad-questions.jsonl`: a question set from the MedQuAD reference pages: one question per sampled page,
  its gold the page it comes from, its reference answer the page's answer. The question text is a section
  label, never indexed, so retrieval has to find the answer by what it says.

Then index a variant on its own, e.g.:
    medcite --manifest var/dev/empty.jsonl --index-dir var/dev/nomesh ingest --extra var/dev/pubmedqa-nomesh.jsonl
    medcite --index-dir var/dev/nomesh eval ../shared/data/eval/pubmedqa-dev.jsonl --out var/dev/runs/nomesh
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import Settings  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from ingest.readers.medquad import read_medquad  # noqa: E402


def _abstract_variants(data: Path, out: Path) -> None:
    records = [json.loads(line) for line in (data / "research" / "pubmedqa-abstracts.jsonl").open(encoding="utf-8")]
    with (out / "pubmedqa-nomesh.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({k: v for k, v in record.items() if k != "mesh"}) + "\n")
    with (
        (out / "pubmedqa-title-only.jsonl").open("w", encoding="utf-8") as only,
        (out / "pubmedqa-titled.jsonl").open("w", encoding="utf-8") as titled,
    ):
        for record in records:
            sections = record.get("sections") or []
            conclusion = next((s for s in reversed(sections) if "CONCLU" in (s.get("label") or "").upper()), None)
            title = conclusion["text"].split(". ")[0].rstrip(".") if conclusion else ""
            if title:
                only.write(json.dumps({"pmid": record["pmid"], "year": record.get("year"), "title": title}) + "\n")
                rest = [s for s in sections if s is not conclusion]
                titled.write(
                    json.dumps({"pmid": record["pmid"], "year": record.get("year"), "title": title, "sections": rest}) + "\n"
                )


def _medquad_questions(settings: Settings, out: Path, count: int, seed: int) -> int:
    entries = [e for e in read_manifest(settings.manifest) if e.format == "medquad"]
    rng = random.Random(seed)
    rng.shuffle(entries)
    written = 0
    with (out / "medquad-questions.jsonl").open("w", encoding="utf-8") as handle:
        for entry in entries:
            if written >= count:
                break
            try:
                document = read_medquad(settings.data_dir / entry.path, entry)[0]
            except Exception:  # noqa: BLE001 - a page the reader refuses is simply not sampled
                continue
            blocks = [b for b in document.blocks if b.section]
            if not blocks:
                continue
            block = rng.choice(blocks)
            handle.write(
                json.dumps(
                    {
                        "id": f"mq{written:04d}",
                        "question": block.section,
                        "relevant": [document.doc_id],
                        "reference_answer": document.text[block.start : block.end][:2000],
                    }
                )
                + "\n"
            )
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("var/dev"))
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    settings = Settings()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "empty.jsonl").touch()
    _abstract_variants(settings.data_dir, args.out)
    n = _medquad_questions(settings, args.out, args.questions, args.seed)
    print(f"wrote {args.out}/pubmedqa-nomesh.jsonl, -title-only.jsonl, -titled.jsonl, medquad-questions.jsonl ({n} questions)")


if __name__ == "__main__":
    main()
