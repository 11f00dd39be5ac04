"""Pure ingest stages on plain data: fetch (the only I/O), feed, text, dedupe."""
