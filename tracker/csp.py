"""A strict Content-Security-Policy on every response: scripts, styles and the rest from this site only.

Django 5.2 has no CSP support of its own (6.0 adds ContentSecurityPolicyMiddleware): this is the
one header, set unless a view set its own. The pages, the admin and the API documentation need no
inline script or style (the copy-citation button is positions/static/positions/pages.js).
"""

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # the admin's and Swagger UI's icons are data: URLs
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
