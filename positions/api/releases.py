"""/api/v1/releases: the releases of the public record, each with its files, checksums and a ready citation."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from positions.releases import citation_for, releases_list


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    rows = serializers.IntegerField(allow_null=True, help_text="Data rows (the header aside); null for Markdown.")
    bytes = serializers.IntegerField()
    sha256 = serializers.CharField(help_text="SHA-256 of the file, hex.")
    url = serializers.URLField(help_text="Where to download it.")


class ReleaseSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="The release's version (by default its date, 2026.12.06).")
    date = serializers.DateField()
    citation = serializers.CharField(help_text="A ready citation, with the address of the release.")
    manifest = serializers.URLField(help_text="manifest.json: the version, date, citation and every file's checksum.")
    files = ReleaseFileSerializer(many=True)


class ReleasesView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="releases",
        summary="The releases of the public record",
        description="Dated, versioned snapshots of the whole public record (approved rows only): tidy CSV tables, "
        "the codebook and a manifest with row counts and SHA-256 checksums, newest first. A release never changes "
        "once made.",
        responses={200: ReleaseSerializer(many=True)},
    )
    def get(self, request):
        def url(version: str, name: str) -> str:
            return request.build_absolute_uri(reverse("pages:release-file", args=[version, name]))

        found = []
        for release in releases_list(folder=settings.RELEASES_DIR):
            page = request.build_absolute_uri(reverse("pages:releases") + f"#release-{release.version}")
            counts = {f.name: f.rows for f in release.files}
            found.append(
                {
                    "version": release.version,
                    "date": release.date,
                    "citation": citation_for(version=release.version, day=release.date, counts=counts, url=page),
                    "manifest": url(release.version, "manifest.json"),
                    "files": [
                        {
                            "name": f.name,
                            "rows": f.rows,
                            "bytes": f.bytes,
                            "sha256": f.sha256,
                            "url": url(release.version, f.name),
                        }
                        for f in release.files
                    ],
                }
            )
        return Response(ReleaseSerializer(found, many=True).data)
