"""One error format for every failure: {"error": {"status", "code", "message", "fields"}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    error = ErrorBody()


def exception_handler(exc, context):
    if isinstance(exc, DataError):  # a NUL character, a number out of range: the client's input
        exc = exceptions.ValidationError(
            {"non_field_errors": ["A value cannot be stored: a NUL character or a number out of range."]}
        )
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": _code(exc), "message": _message(exc)}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _fields(exc.detail)
    response.data = {"error": body}
    return response


def _code(exc) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    return codes if isinstance(codes, str) else getattr(exc, "default_code", "invalid")


def _message(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "The request is not valid: see fields."
    return str(exc.detail) if isinstance(exc, exceptions.APIException) else str(exc)


def _fields(detail, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            out |= _fields(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(detail, list) and detail and all(isinstance(d, str) for d in detail):
        return {prefix or "non_field_errors": [str(d) for d in detail]}
    if isinstance(detail, list):
        out = {}
        for index, value in enumerate(detail):
            out |= _fields(value, f"{prefix}.{index}" if prefix else str(index))
        return out
    return {prefix or "non_field_errors": [str(detail)]}
