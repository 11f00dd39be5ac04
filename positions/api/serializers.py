"""Output and input serializers, fields named one by one; machine-made fields are never writable."""

from django.urls import reverse
from rest_framework import serializers

from positions.models import (
    Actor,
    Document,
    IngestRun,
    Issue,
    Item,
    Negotiation,
    Party,
    Proposal,
    Role,
    Source,
    Stance,
    Statement,
    StatusChange,
)
from positions.services.ingest import upload_refusal
from positions.vocabularies import CAMEO_ROOT, DatePrecision, DeadlineState, ItemState, ReviewState


class PartyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "slug", "name"]


class ActorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "slug", "name"]


class NegotiationSerializer(serializers.ModelSerializer):
    parties = PartyRefSerializer(many=True, read_only=True)

    class Meta:
        model = Negotiation
        fields = ["id", "slug", "title", "description", "started", "ended", "parties"]


class IssueSerializer(serializers.ModelSerializer):
    negotiation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Issue
        fields = ["id", "negotiation", "key", "title", "description", "keywords", "parent"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "slug", "name", "kind", "aliases", "metonyms"]


class RoleSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer(read_only=True)

    class Meta:
        model = Role
        fields = ["party", "title", "start", "end", "speaks_for_party"]


class ActorSerializer(serializers.ModelSerializer):
    roles = RoleSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "slug", "name", "kind", "aliases", "review_state", "roles"]


RUN_SINCE = "The day it began: the first of the uninterrupted rows that give it, not the last restatement."


class StatusAsOfSerializer(serializers.Serializer):
    status = serializers.CharField()
    since = serializers.DateField(help_text=RUN_SINCE)
    review_state = serializers.CharField()


class StanceAsOfSerializer(serializers.Serializer):
    party = PartyRefSerializer()
    stance = serializers.CharField()
    since = serializers.DateField(help_text=RUN_SINCE)
    review_state = serializers.CharField()


class DeadlineProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class DeadlineAsOfSerializer(serializers.Serializer):
    """A target date set by `as_of` and where it stands that day."""

    id = serializers.IntegerField()
    proposal = DeadlineProposalSerializer()
    party = PartyRefSerializer(allow_null=True, help_text="Who committed to it; null for the proposal's own timetable.")
    phrase = serializers.CharField(help_text="The target date as said: “by 2020”, “within six months”.")
    due = serializers.DateField(help_text="The last day by which it is due (a month or a year: its last day).")
    due_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    set_on = serializers.DateField(help_text="The day the target date was set (its earliest evidence).")
    review_state = serializers.ChoiceField(choices=ReviewState.choices)
    state = serializers.ChoiceField(
        choices=DeadlineState.choices,
        help_text="On `as_of`: met (the proposal's status is accepted or implemented), closed (rejected, withdrawn or "
        "superseded), overdue (otherwise, and due before `as_of`) or upcoming.",
    )
    overdue = serializers.BooleanField(help_text="state == overdue: past due and unmet on `as_of`.")
    settled_on = serializers.DateField(allow_null=True, help_text="For a met or closed one, the day that status began.")
    late = serializers.BooleanField(help_text="Met, but after the day it was due.")


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal with its status and stances as of the request's date (`as_of`, positions/api/query.py)."""

    negotiation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    issue = serializers.SlugRelatedField(slug_field="key", read_only=True)
    proponent = PartyRefSerializer(read_only=True)
    status = serializers.SerializerMethodField()
    stances = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text="Whether any of its deadlines is overdue on `as_of`.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "slug",
            "title",
            "description",
            "negotiation",
            "issue",
            "proponent",
            "kind",
            "first_stated",
            "status",
            "stances",
            "deadlines",
            "overdue",
        ]

    def get_status(self, proposal) -> StatusAsOfSerializer(allow_null=True):
        change = self.context["statuses"].get(proposal.pk)
        return StatusAsOfSerializer(change).data if change else None

    def get_stances(self, proposal) -> StanceAsOfSerializer(many=True):
        return StanceAsOfSerializer(self.context["stances"].get(proposal.pk, []), many=True).data

    def get_deadlines(self, proposal) -> DeadlineAsOfSerializer(many=True):
        return DeadlineAsOfSerializer(self.context["deadlines"].get(proposal.pk, []), many=True).data

    def get_overdue(self, proposal) -> bool:
        return any(entry["overdue"] for entry in self.context["deadlines"].get(proposal.pk, []))


class DocumentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "title", "url", "publisher", "published"]


class StatementSerializer(serializers.ModelSerializer):
    document = DocumentRefSerializer(read_only=True)
    speaker = ActorRefSerializer(read_only=True, allow_null=True)
    party = PartyRefSerializer(read_only=True, allow_null=True)
    addressee = PartyRefSerializer(read_only=True, allow_null=True)
    topics = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    proposal = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    cameo = serializers.SerializerMethodField(help_text="CAMEO root code of the statement's kind.")

    class Meta:
        model = Statement
        fields = [
            "id",
            "document",
            "quote",
            "start",
            "end",
            "mode",
            "cue",
            "speaker",
            "party",
            "addressee",
            "said_on",
            "said_precision",
            "kind",
            "cameo",
            "topics",
            "proposal",
            "proposes_new",
            "confidence",
            "extractor_version",
            "review_state",
            "created_at",
        ]
        read_only_fields = fields

    def get_cameo(self, statement) -> str:
        # a Statement, or the plain entry a list's page is written from (selectors.statement_entries)
        return CAMEO_ROOT[statement["kind"] if isinstance(statement, dict) else statement.kind]


class DocumentSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "published",
            "date_implausible",
            "author",
            "language",
            "excerpt",
            "source",
            "near_duplicate_of",
            "created_at",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    text = serializers.CharField()
    statements = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "statements"]

    def get_statements(self, document) -> StatementSerializer(many=True):
        return StatementSerializer(self.context["statements"], many=True).data


class RecordedSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    proposal = serializers.PrimaryKeyRelatedField(read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    MACHINE_FIELDS = ["review_state", "recorded_at", "recorded_by", "recorded_via"]


class StanceSerializer(RecordedSerializer):
    party = PartyRefSerializer(read_only=True)

    class Meta:
        model = Stance
        fields = [
            "id",
            "proposal",
            "party",
            "stance",
            "effective",
            "evidence",
            "note",
            *RecordedSerializer.MACHINE_FIELDS,
        ]
        read_only_fields = fields


class StatusChangeSerializer(RecordedSerializer):
    class Meta:
        model = StatusChange
        fields = ["id", "proposal", "status", "effective", "evidence", "note", *RecordedSerializer.MACHINE_FIELDS]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "path",
            "is_active",
            "paused_reason",
            "poll_interval",
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "last_error_at",
            "last_error",
            "failures_in_row",
        ]


class IngestRunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    pending = serializers.IntegerField(read_only=True)

    class Meta:
        model = IngestRun
        fields = [
            "id",
            "source",
            "trigger",
            "started_at",
            "finished_at",
            "seen",
            "known",
            "new",
            "duplicate",
            "no_text",
            "failed",
            "pending",
            "statements",
            "errors",
        ]


# --- input -------------------------------------------------------------------------------------


class StatementWriteSerializer(serializers.ModelSerializer):
    """What a curator may set; the quote is taken from the document between start and end."""

    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    speaker = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all(), allow_null=True, required=False
    )
    party = serializers.SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), allow_null=True, required=False
    )
    addressee = serializers.SlugRelatedField(
        slug_field="slug", queryset=Party.objects.all(), allow_null=True, required=False
    )
    topics = serializers.SlugRelatedField(slug_field="key", queryset=Issue.objects.all(), many=True, required=False)
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), allow_null=True, required=False)
    start = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    class Meta:
        model = Statement
        fields = ["document", "start", "end", "mode", "cue", "speaker", "party", "addressee", "said_on", "kind"]
        fields += ["topics", "proposal"]
        # Uniqueness is the database's to check (the view turns a conflict into a 400): DRF's
        # validator for it would make speaker and party required.
        validators = []

    def validate(self, attrs):
        document = attrs.get("document") or self.instance.document
        start = attrs.get("start", self.instance.start if self.instance else None)
        end = attrs.get("end", self.instance.end if self.instance else None)
        if not start < end <= len(document.text):
            raise serializers.ValidationError(
                {"end": [f"need start < end <= {len(document.text)} (the text's length)"]}
            )
        if not (attrs.get("speaker") or attrs.get("party")) and not self.instance:
            raise serializers.ValidationError({"party": ["a statement needs a speaker or a party"]})
        attrs["quote"] = document.text[start:end]
        return attrs


class StanceWriteSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())
    party = serializers.SlugRelatedField(slug_field="slug", queryset=Party.objects.all())
    evidence = serializers.PrimaryKeyRelatedField(queryset=Statement.objects.all(), many=True)

    class Meta:
        model = Stance
        fields = ["proposal", "party", "stance", "effective", "evidence", "note"]
        validators = []


class StatusChangeWriteSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())
    evidence = serializers.PrimaryKeyRelatedField(queryset=Statement.objects.all(), many=True)

    class Meta:
        model = StatusChange
        fields = ["proposal", "status", "effective", "evidence", "note"]
        validators = []


class UploadSerializer(serializers.Serializer):
    """Files to ingest: plain text, HTML or PDF, each within the size cap; binary files are refused."""

    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, max_length=100)

    def validate_files(self, files):
        refusal = upload_refusal(files=files)
        if refusal:
            raise serializers.ValidationError(refusal)
        return files


class ItemSerializer(serializers.ModelSerializer):
    """One thing to ingest (a feed entry, a page, an uploaded file) and where it stands."""

    source = serializers.SlugRelatedField(slug_field="name", read_only=True)
    done = serializers.SerializerMethodField(help_text="True once the item reached its end state.")

    class Meta:
        model = Item
        fields = [
            "id",
            "source",
            "run",
            "title",
            "url",
            "state",
            "done",
            "stage",
            "error",
            "attempts",
            "document",
            "created_at",
            "updated_at",
        ]

    def get_done(self, item) -> bool:
        return item.state not in (ItemState.PENDING, ItemState.PROCESSING)


class UploadedItemSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField(help_text="Poll this for the item's state.")

    class Meta:
        model = Item
        fields = ["id", "title", "state", "status_url"]

    def get_status_url(self, item) -> str:
        path = reverse("item-detail", args=[item.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class UploadAcceptedSerializer(serializers.Serializer):
    """An upload accepted for ingest: the worker reads the files; poll each item's status_url."""

    run = serializers.IntegerField(source="run.pk", help_text="The ingest run of this upload.")
    items = UploadedItemSerializer(many=True, help_text="One per file; a file uploaded before keeps its item.")
