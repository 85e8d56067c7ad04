import pytest

from reach.commands import DELETE, HELP, JOIN, QUESTION, STOP, TOP, VOTE, command_parse


@pytest.mark.parametrize(
    ("text", "command", "argument", "language"),
    [
        ("JOIN demo", JOIN, "demo", "en"),
        ("  join   DEMO ", JOIN, "demo", "en"),
        ("jion demo", JOIN, "demo", "en"),
        ("shamil demo", JOIN, "demo", "roman"),
        ("Shaamil demo", JOIN, "demo", "roman"),
        ("شامل demo", JOIN, "demo", "ur"),
        ("demo شامل", JOIN, "demo", "ur"),
        ("VOTE 3", VOTE, "3", "en"),
        ("vote3", VOTE, "3", "en"),
        ("vote #12", VOTE, "12", "en"),
        ("vot 3", VOTE, "3", "en"),
        ("ووٹ ۳", VOTE, "3", "ur"),
        ("TOP", TOP, "", "en"),
        ("STOP", STOP, "", "en"),
        ("stpo", STOP, "", "en"),
        ("band", STOP, "", "roman"),
        ("بند", STOP, "", "ur"),
        ("help", HELP, "", "en"),
        ("hlep", HELP, "", "en"),
        ("madad", HELP, "", "roman"),
        ("مدد", HELP, "", "ur"),
        ("DELETE", DELETE, "", "en"),
        ("", HELP, "", "en"),
    ],
)
def test_commands_are_read_in_english_urdu_and_roman_urdu_forgiving_slips(
    text: str, command: str, argument: str, language: str
) -> None:
    parsed = command_parse(text)
    assert (parsed.command, parsed.argument, parsed.language) == (command, argument, language)


@pytest.mark.parametrize(
    "text",
    [
        "Stop the load-shedding at night",
        "Vote buying in our union council",
        "Top priority should be the hospital",
        "بجلی کب آئے گی؟",
        "Help the farmers with canal water",
    ],
)
def test_a_sentence_that_starts_with_a_keyword_is_a_question(text: str) -> None:
    parsed = command_parse(text)
    assert parsed.command == QUESTION
    assert parsed.argument == text.strip()
