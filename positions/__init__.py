"""The positions app: negotiations, parties, proposals, statements and their ingest."""
