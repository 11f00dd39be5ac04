"""The curators' desk: the review queue, people and proposals (with merging), and ingest monitoring."""

from positions.admin import deadlines, ingest, people, review, scales  # noqa: F401  (each module registers its admins)
