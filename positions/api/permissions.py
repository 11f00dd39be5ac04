"""Who may do what: anyone reads public data; curators (model permissions) write and review."""

from rest_framework import permissions


def is_curator(user) -> bool:
    """Curators see pending and rejected rows and may write; the permission decides, not a flag."""
    return bool(user and user.is_authenticated and user.has_perm("positions.change_statement"))


class ReadPublicWriteCurator(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reads for everyone; POST/PUT/PATCH/DELETE need the model's add/change/delete permission."""

    def has_permission(self, request, view):
        # A read needs no permission (perms_map names none for GET, HEAD and OPTIONS), so DRF's answer is
        # known without the view's queryset, which it builds only to learn the model: for the statement
        # list that is the dearest part of a cached page.
        if request.method in permissions.SAFE_METHODS:
            return bool(request.user)
        return super().has_permission(request, view)


def _has_model_permission(request, view, action: str) -> bool:
    model = view.get_queryset().model
    user = request.user
    return bool(
        user and user.is_authenticated and user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
    )


class CanReview(permissions.BasePermission):
    """Approve and reject: the change permission of the model under review."""

    def has_permission(self, request, view):
        return _has_model_permission(request, view, "change")


class CuratorOnly(permissions.BasePermission):
    """Sources and ingest runs: the model's view permission, even to read."""

    def has_permission(self, request, view):
        return _has_model_permission(request, view, "view")


class CanAddDocuments(permissions.BasePermission):
    """Uploading files: the add permission on documents."""

    def has_permission(self, request, view):
        return _has_model_permission(request, view, "add")
