"""spaCy's small English pipeline run whole on texts: documents per second, the extraction row's baseline (no Django).

python -m bench.spacy_rate MIN_SECONDS FILE… → one JSON line: documents, seconds, cpu_seconds, characters

The texts are read as the extraction phase reads them (`normalize_text`), the pipeline is loaded and
warmed up before the clock starts, and whole passes over the texts run until MIN_SECONDS have passed.
"""

import json
import sys
import time
from pathlib import Path

from positions.ingest.text import normalize_text
from positions.statements import nlp


def main(min_seconds: float, paths: list[str]) -> None:
    pipeline = nlp.shipped()  # the same package as the extractor's, as it ships (the extractor's replaces a part)
    texts = [normalize_text(Path(p).read_text(encoding="utf-8")) for p in paths]
    pipeline(texts[0][:2000])  # warm up: first-call allocations are not the steady rate
    documents, started, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        documents += sum(1 for _ in pipeline.pipe(texts, batch_size=8))
        seconds = time.perf_counter() - started
        if seconds >= min_seconds:
            break
    cpu_seconds = time.process_time() - cpu
    figures = {"documents": documents, "seconds": seconds, "cpu_seconds": cpu_seconds}
    print(json.dumps({**figures, "characters": sum(map(len, texts))}))


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2:])
