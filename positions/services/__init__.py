"""Services: the only code that writes business data. Keyword-only, named <entity>_<action>."""

from positions.services.runs import runs_rebuild
from positions.services.seed import negotiation_seed
from positions.services.system import data_writes_compact, heartbeat_record, lexicon_writes_compact

__all__ = ["data_writes_compact", "heartbeat_record", "lexicon_writes_compact", "negotiation_seed", "runs_rebuild"]
