"""`make bench`: ingest throughput, extraction speed, the API under load and growth with data (docs/benchmarks.md)."""
