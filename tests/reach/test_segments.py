from reach.segments import message_units, sms_split


def test_a_short_english_message_is_one_gsm7_sms_of_up_to_160_characters() -> None:
    split = sms_split("a" * 160)
    assert (split.encoding, len(split.parts)) == ("gsm7", 1)


def test_a_longer_english_message_is_split_into_parts_of_153() -> None:
    text = "x" * 400
    split = sms_split(text)
    assert [len(p) for p in split.parts] == [153, 153, 94]
    assert "".join(split.parts) == text


def test_extension_characters_count_double_and_an_escape_pair_is_never_split() -> None:
    assert message_units("{}") == 4
    text = "a" * 152 + "€" + "b" * 10
    split = sms_split(text)
    assert split.encoding == "gsm7"
    assert split.parts[0] == "a" * 152  # the euro sign would need units 153 and 154
    assert all(message_units(p) <= 153 for p in split.parts)
    assert "".join(split.parts) == text


def test_urdu_is_ucs2_with_70_characters_in_one_sms_and_67_per_part() -> None:
    assert sms_split("ب" * 70).parts == ["ب" * 70]
    text = "آپ کا سوال شائع ہو گیا۔ " * 10
    split = sms_split(text)
    assert split.encoding == "ucs2"
    assert len(split.parts) > 1
    assert all(len(p) <= 67 for p in split.parts)
    assert "".join(split.parts) == text


def test_parts_break_between_words_when_they_can() -> None:
    text = ("canal water " * 30).strip()
    split = sms_split(text)
    assert all(p.endswith(" ") for p in split.parts[:-1])


def test_an_emoji_takes_two_ucs2_units_and_is_never_cut_in_half() -> None:
    text = "ب" * 66 + "😀" + "ب" * 10
    split = sms_split(text)
    assert split.parts[0] == "ب" * 66
    assert "".join(split.parts) == text
