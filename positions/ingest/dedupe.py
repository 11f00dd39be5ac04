"""The dedupe stage: canonical URLs, exact content hashes and MinHash fingerprints for near duplicates.

Near duplicates are found by LSH banding: the 64-value MinHash signature is cut into BANDS=16 bands
of ROWS=4 values, and each band is hashed to one key that the database can index. Two documents
become candidates when they share any band key; the probability of that at Jaccard similarity s is

    P(s) = 1 - (1 - s**4) ** 16

whose steep part sits near the usual estimate of the threshold, (1/16) ** (1/4) = 0.5: P(0.45) ≈ 50%,
P(0.5) ≈ 64%, P(0.6) ≈ 89%, P(0.8) > 99.9%. Candidates are then confirmed with `similarity`, against
NEAR_DUPLICATE_THRESHOLD (0.8). With 64 permutations the estimate has a standard error of about 0.05
near 0.8, so the confirmation is a judgement on a sketch, not an exact Jaccard measure.
"""

import hashlib
import re
import struct
from urllib.parse import unquote_plus, urlsplit

from positions.ingest.records import Fingerprint

NUM_PERM = 64
BANDS = 16
ROWS = 4
SHINGLE = 5  # words per shingle; texts shorter than one shingle get no fingerprint
NEAR_DUPLICATE_THRESHOLD = 0.8

# Signatures and band keys are stored and compared across processes and releases: the seed, the
# permutation scheme and the shingle hash are pinned here rather than left to datasketch's
# defaults (2.0.0 changed the default scheme, which silently changes every signature).
MINHASH_SEED = 20111206
MINHASH_SCHEME = "affine32"

assert BANDS * ROWS == NUM_PERM

DEFAULT_PORTS = {"http": 80, "https": 443}

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "ref_url",
        "cmpid",
        "ito",
        "spm",
        "s_cid",
    }
)

_BAND_FORMAT = struct.Struct(f">{1 + ROWS}I")


def _is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """The URL under which a document is stored: "" when it is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises on a port that is not a number in range
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or any(c.isspace() for c in host):
        return ""

    netloc = f"[{host}]" if ":" in host else host  # hostname drops the brackets of an IPv6 literal
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"

    # Filter the raw pairs rather than parse and re-encode them, so that kept values stay byte for
    # byte as the publisher wrote them; names are only decoded to be compared.
    kept = [
        pair for pair in parts.query.split("&") if pair and not _is_tracking_param(unquote_plus(pair.partition("=")[0]))
    ]
    query = f"?{'&'.join(kept)}" if kept else ""
    return f"{scheme}://{netloc}{parts.path or '/'}{query}"


def content_hash(text: str) -> str:
    """The SHA-256 hex digest of the UTF-8 text: the key of an exact duplicate."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> Fingerprint | None:
    """The MinHash signature of the text's word 5-shingles and its band keys; None for too short a text."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE:
        return None
    shingles = {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)}
    # Imported here: datasketch's package imports SciPy for its LSH classes (some 70 MB and 0.7 s), which only
    # a process that fingerprints texts (the worker) needs, not the web server or a management command.
    from datasketch import MinHash
    from datasketch.hashfunc import sha1_hash32

    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=sha1_hash32, scheme=MINHASH_SCHEME)
    minhash.update_batch(list(shingles))  # the minimum does not depend on order
    signature = tuple(int(value) for value in minhash.hashvalues)
    return Fingerprint(signature=signature, bands=band_keys(signature))


def band_keys(signature: tuple[int, ...]) -> tuple[int, ...]:
    """One signed 64-bit key per band (fits a PostgreSQL bigint); the band index keeps equal rows
    in different bands from colliding."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(_BAND_FORMAT.pack(band, *rows), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return tuple(keys)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The share of equal positions of two signatures: the MinHash estimate of their Jaccard similarity."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
