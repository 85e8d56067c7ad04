"""Citizen juries (volunteers, quotas, draws, seats), live polls and the speaker queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sessions.models import LiveSession, Participant


class Jury(models.Model):
    """The jury of one session: what volunteers declare, its size and its quotas.

    ``attributes`` is the schema the organizer asks volunteers to fill in, in order:
    ``[{"key": "gender", "label": {"en": "Gender", "ur": "جنس"},
    "values": ["female", "male", "other"]}, ...]``.
    """

    live_session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="jury")
    attributes = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=12)
    alternate_count = models.PositiveIntegerField(default=6)
    volunteering_open = models.BooleanField(default=True)
    # The jury room: what the organizer gives jurors to read, and the vote's rule.
    room_agenda = models.TextField(blank=True)
    briefings = models.JSONField(default=list)  # [{"title", "url", "text"}]
    adoption_threshold = models.FloatField(default=0.5)  # agree / (agree + disagree)
    quorum = models.PositiveIntegerField(null=True, blank=True)  # ballots; None: half the jurors
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "juries"

    def __str__(self) -> str:
        return f"jury of {self.live_session_id}"

    def attribute_keys(self) -> list[str]:
        return [a["key"] for a in self.attributes]


class JuryQuota(models.Model):
    """How many jurors may have one value of one attribute; ``*_flex`` are the
    bounds the library may relax to when the strict ones cannot be met."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="quotas")
    attribute = models.CharField(max_length=40)
    value = models.CharField(max_length=80)
    min = models.PositiveIntegerField(default=0)
    max = models.PositiveIntegerField()
    min_flex = models.PositiveIntegerField(null=True, blank=True)
    max_flex = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jury", "attribute", "value"], name="one_quota_per_attribute_value"
            )
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.attribute}={self.value} [{self.min},{self.max}]"


class JuryVolunteer(models.Model):
    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="volunteers")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="jury_volunteerings"
    )
    attributes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jury", "participant"], name="one_volunteering_per_participant"
            )
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"volunteer {self.pk} ({self.participant_id})"


class JuryDraw(models.Model):
    """One run of the lottery: a background job with progress, then a record
    complete enough for anyone to re-run it and get the same panel."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="draws")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    phase = models.CharField(max_length=200, blank=True)
    algorithm = models.CharField(max_length=16, default="maximin")
    solver_backend = models.CharField(max_length=16, blank=True)
    seed = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    alternate_count = models.PositiveIntegerField()
    library_version = models.CharField(max_length=40, blank=True)
    features_csv = models.TextField()
    people_csv = models.TextField()
    inputs_sha256 = models.CharField(max_length=64)
    # {"<volunteer id>": probability}; exact for maximin, estimated for legacy.
    probabilities = models.JSONField(default=dict)
    probabilities_exact = models.BooleanField(default=True)
    min_probability = models.FloatField(null=True, blank=True)
    panel = models.JSONField(default=list)  # volunteer ids, sorted
    alternates = models.JSONField(default=list)  # volunteer ids, in order of call-up
    error_code = models.CharField(max_length=40, blank=True)
    error_lines = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"draw {self.pk} ({self.status})"


class JurySeat(models.Model):
    """A seat on the jury (``juror``) or a place on the ordered reserve list (``alternate``)."""

    class Kind(models.TextChoices):
        JUROR = "juror", _("Juror")
        ALTERNATE = "alternate", _("Alternate")

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WAITING = "waiting", _("Waiting (alternate)")

    draw = models.ForeignKey(JuryDraw, on_delete=models.CASCADE, related_name="seats")
    volunteer = models.ForeignKey(JuryVolunteer, on_delete=models.CASCADE, related_name="seats")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    position = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draw", "volunteer"], name="one_seat_per_volunteer"),
        ]
        ordering = ["kind", "position"]

    def __str__(self) -> str:
        return f"{self.kind} {self.position} ({self.status})"


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    live_session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="polls")
    question = models.JSONField()  # {"en": "...", "ur": "..."}
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SINGLE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"poll {self.pk}"


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    label = models.JSONField()  # {"en": "...", "ur": "..."}

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"option {self.position} of poll {self.poll_id}"


class PollBallot(models.Model):
    """One participant's vote in one poll: the unique constraint is the one-vote rule."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="poll_ballots"
    )
    options = models.ManyToManyField(PollOption, related_name="ballots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "participant"], name="one_ballot_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"ballot of {self.participant_id} in poll {self.poll_id}"


class SpeakerRequest(models.Model):
    """A raised hand in the speaker queue, and, once granted, a turn on the floor."""

    class Kind(models.TextChoices):
        SPEAK = "speak", _("Speak")
        REPLY = "reply", _("Reply")
        POINT_OF_ORDER = "point_of_order", _("Point of order")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SPEAKING = "speaking", _("Speaking")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    live_session = models.ForeignKey(
        LiveSession, on_delete=models.CASCADE, related_name="speaker_requests"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    display_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SPEAK)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    position = models.PositiveIntegerField()
    raised_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    allotted_seconds = models.PositiveIntegerField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["live_session", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} by {self.display_name} ({self.status})"


# --- the jury room ------------------------------------------------------------------------------


class JuryRound(models.Model):
    """A timed round of deliberation: ends at ``started_at + seconds`` (or earlier)."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True)
    seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "number"], name="one_round_per_number")
        ]

    def __str__(self) -> str:
        return f"round {self.number} of jury {self.jury_id}"


class JuryMessage(models.Model):
    """A message in the room's threaded discussion, screened like a question."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not published")

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="messages")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(  # a facilitator writing as themselves
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    display_name = models.CharField(max_length=150)
    client_id = models.CharField(max_length=64, blank=True)
    text = models.TextField()
    original_text = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_note = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=16, blank=True)
    screening = models.JSONField(default=dict)  # reasons and findings, for moderators
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=~models.Q(client_id=""),
                name="one_jury_message_per_client_id",
            )
        ]

    def __str__(self) -> str:
        return f"jury message {self.pk} ({self.status})"


class RecommendationDraft(models.Model):
    """One version of the recommendation jurors draft together."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="drafts")
    version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    display_name = models.CharField(max_length=150)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["jury", "version"], name="one_draft_per_version")
        ]

    def __str__(self) -> str:
        return f"draft v{self.version} of jury {self.jury_id}"


class Recommendation(models.Model):
    """A draft the facilitator finalised for the vote, with its rule and outcome."""

    class Status(models.TextChoices):
        VOTING = "voting", _("Voting")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="recommendations")
    draft = models.ForeignKey(RecommendationDraft, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()  # frozen copy of the draft's text
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VOTING)
    threshold = models.FloatField()
    quorum = models.PositiveIntegerField()
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)  # "pass"
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self) -> str:
        return f"recommendation {self.pk} ({self.status})"


class RecommendationVote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        PASS = "pass", _("Pass")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="votes"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=16, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "participant"], name="one_vote_per_juror"
            )
        ]

    def __str__(self) -> str:
        return f"{self.choice} on recommendation {self.recommendation_id}"


class RecommendationResponse(models.Model):
    """An official's formal response to an adopted recommendation, and the
    commitment in it, tracked publicly in the session archive."""

    class CommitmentStatus(models.TextChoices):
        NONE = "none", _("No commitment")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="response"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    official_name = models.CharField(max_length=150)
    text = models.TextField()
    commitment = models.TextField(blank=True)
    commitment_status = models.CharField(
        max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.NONE
    )
    due_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"response to recommendation {self.recommendation_id}"
