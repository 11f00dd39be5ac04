"""A negotiation dossier and the issues (topics) inside it."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


class Negotiation(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    started = models.DateField(null=True, blank=True)
    ended = models.DateField(null=True, blank=True)
    parties = models.ManyToManyField("positions.Party", related_name="negotiations", blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(started__isnull=True) | Q(ended__gte=F("started")),
                name="negotiation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Issue(models.Model):
    """A topic of a negotiation; its keywords and description feed the statement classifier."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="issues")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    keywords = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        ordering = ["negotiation", "key"]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "key"], name="issue_key_unique_per_negotiation"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="issue_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title
