"""What a request says about a cached answer's bytes, for the API's answers and the cached pages alike: whether
it accepts them gzipped (Accept-Encoding) and whether it already holds them (If-None-Match). An answer that may
go gzipped carries a weak ETag (W/), the same tag: the same question and data version, which may be other bytes."""

from django.utils.http import parse_etags


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header admits gzip (RFC 9110, 12.5.3): gzip (or x-gzip) named, else `*`,
    with a weight above 0."""
    if not header:
        return False
    weights = {}
    for part in header.split(","):
        coding, *parameters = part.split(";")
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding.strip().lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def etag(tag: str, *, gzipped: bool) -> str:
    """The ETag of the answer named `tag`: weak for a request that accepts gzip."""
    return f'W/"{tag}"' if gzipped else f'"{tag}"'


def names(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names the answer `tag`: `*`, or its ETag in either form (the comparison
    is weak, RFC 9110, 13.1.2)."""
    if not if_none_match:
        return False
    named = f'"{tag}"'
    return any(sent == "*" or sent.removeprefix("W/") == named for sent in parse_etags(if_none_match))
