"""Output serializers applied to plain data without DRF's per-field machinery.

An answer's output serializer is its schema (drf-spectacular reads its fields) and says how each value is
written. Given the dicts a selector builds, `represented(serializer_class, data)` writes the same primitives
as `serializer_class(data).data`, key for key and in the same order, but walks a plan made once per class:
for each field its key and a converter picked by the field's own `to_representation` (an integer, a string,
an ISO date, a choice, a boolean, a nested serializer or a list of them). DRF's own path is taken for anything
else: a field of another kind, a value of another type than the converter expects, a key missing from the
dict, an instance that is not a dict. So the bytes rendered are the same; only the work per value is less.
A relation's plain value is what DRF would write of it: a primary-key field's the id (an int), a many slug
field's the list of slugs (strings).
"""

import datetime
import functools
from collections.abc import Callable

from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.settings import api_settings

Convert = Callable[[object], object]


def represented(serializer_class: type[serializers.Serializer], data):
    """What `serializer_class(data).data` holds (a dict, or a list with many=True), as plain dicts and lists."""
    return _plan(serializer_class)(data)


@functools.cache
def _plan(serializer_class: type[serializers.Serializer]) -> Convert:
    return _serializer(serializer_class())


def _serializer(serializer: serializers.Serializer) -> Convert:
    if isinstance(serializer, serializers.ListSerializer):
        child = _serializer(serializer.child)

        def many(value):
            if type(value) is not list:
                return serializer.to_representation(value)
            return [child(item) for item in value]

        return many
    readable = list(serializer._readable_fields)
    steps = [(field, _key(field), _field(field)) for field in readable]

    def one(instance):
        if type(instance) is not dict:
            return serializer.to_representation(instance)
        found = {}
        for field, key, convert in steps:
            try:
                value = instance[key]
            except KeyError:  # DRF's default, null or skip rules; and a field with no plain key
                try:
                    value = field.get_attribute(instance)
                except fields.SkipField:
                    continue
            found[field.field_name] = None if value is None else convert(value)
        return found

    return one


def _key(field: fields.Field):
    # A source of one key reads `instance[key]`, as DRF's get_attribute does on a mapping; anything else
    # (a dotted source, "*", a method field) gets a key no dict has, so DRF's get_attribute reads it.
    attrs = getattr(field, "source_attrs", None)
    if isinstance(field, fields.SerializerMethodField) or not attrs or len(attrs) != 1:
        return _NoKey
    return attrs[0]


class _NoKey:
    """A key that is in no dict (the class itself is hashable and unique)."""


def _field(field: fields.Field) -> Convert:
    if isinstance(field, serializers.BaseSerializer):
        return _serializer(field)
    method = type(field).to_representation
    slow = field.to_representation
    if isinstance(field, relations.ManyRelatedField) and type(field.child_relation) is relations.SlugRelatedField:
        # plain: the related objects' slugs already
        return lambda value: value if type(value) is list and all(type(v) is str for v in value) else slow(value)
    if method is relations.PrimaryKeyRelatedField.to_representation and field.pk_field is None:
        return lambda value: value if type(value) is int else slow(value)  # plain: the related object's id
    if method is fields.IntegerField.to_representation:
        return lambda value: value if type(value) is int else slow(value)
    if method is fields.CharField.to_representation:
        return lambda value: value if type(value) is str else slow(value)
    if method is fields.BooleanField.to_representation:
        return lambda value: value if type(value) is bool else slow(value)
    if method is fields.ChoiceField.to_representation:
        choices = field.choice_strings_to_values
        return lambda value: choices.get(value, value) if type(value) is str else slow(value)
    if method is fields.DateField.to_representation:
        output = getattr(field, "format", api_settings.DATE_FORMAT)
        if isinstance(output, str) and output.lower() == ISO_8601:
            return lambda value: value.isoformat() if type(value) is datetime.date else slow(value)
    return slow
