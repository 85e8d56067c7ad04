from django.contrib import admin

from sessions.models import Answer, LiveSession, Participant, Question, SessionRole


class SessionRoleInline(admin.TabularInline):
    model = SessionRole
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(LiveSession)
class LiveSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "status", "moderation_mode", "scheduled_start", "is_public"]
    list_filter = ["status", "moderation_mode", "is_public"]
    search_fields = ["title", "code"]
    readonly_fields = ["last_seq", "opened_at", "ended_at", "created_at"]
    raw_id_fields = ["on_stage"]
    inlines = [SessionRoleInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["id", "live_session", "status", "vote_count", "created_at"]
    list_filter = ["status", "live_session"]
    search_fields = ["text"]
    readonly_fields = ["original_text", "client_id", "vote_count", "created_at", "updated_at"]
    raw_id_fields = ["author", "merged_into"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "district", "live_session", "created_at"]
    list_filter = ["live_session"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "official_name", "answered_live", "created_at"]
