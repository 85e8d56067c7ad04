from __future__ import annotations

from pathlib import Path

import pytest

from moderation.pipeline import LexiconSource, PipelineConfig, ScreeningContext, screen
from moderation.pipeline.lexicon import load_lexicon
from moderation.pipeline.normalize import fold, normalize


def _terms(text: str) -> list[tuple[str, str]]:
    lexicon = load_lexicon(True, ())
    return [(m.term, m.severity) for m in lexicon.find(normalize(text).folded)]


@pytest.mark.parametrize(
    "text",
    ["you fvck1ng liar", "sh1th3ad", "m@d@rch0d", "b!tch", "a$$hole", "F*CK the council"],
)
def test_leetspeak_banned_term_is_rejected(
    text: str, context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen(text, context=context, config=keyword_config)
    assert verdict.outcome == "reject", text
    assert verdict.primary_reason is not None
    assert verdict.primary_reason.code == "banned_term"
    assert verdict.primary_reason.detail["term"]


@pytest.mark.parametrize(
    "text", ["f u c k you", "f.u.c.k you", "f-u-c-k you", "fuuuuuck you", "FUCK YOU", "fück you"]
)
def test_spaced_dotted_repeated_and_accented_letters_still_match(text: str) -> None:
    assert ("fuck", "banned") in _terms(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("You people are total motherf***ers", "motherfucker"),
        ("what the f***", "fuck"),
        ("Tell that b***h to sit down", "bitch"),
        ("Ye ch***ya councillor", "chutiya"),
        # A Latin symbol inside an Urdu word masks a letter like a star.
        ("ح@رامی افسرو، چندے کا پیسہ کس نے ہضم کیا؟", "حرامی"),
    ],
)
def test_words_masked_by_a_run_of_stars_are_held_with_the_term_they_fit(
    text: str, term: str
) -> None:
    assert (term, "suspect") in _terms(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("اوئے ک*تے کے بچے، جھوٹ بولنا بند کر", "کتے کے بچے"),
        ("oye ku**e ke bache, jawab do", "kutte ke bache"),
        ("ک#تے کے بچے، جواب دو", "کتے کے بچے"),
    ],
)
def test_a_masked_word_inside_a_banned_phrase_holds_the_phrase(text: str, term: str) -> None:
    # Folding makes the Urdu masculine and feminine forms one phrase (کتے / کتی).
    assert (fold(term), "suspect") in [(fold(t), s) for t, s in _terms(text)]


@pytest.mark.parametrize(
    "text",
    [
        "*Important* notice: the meeting moved",
        "5*3 = 15 tankers",
        "A 4* hotel in Murree",
        "کت*ب کے بچے اسکول جاتے ہیں",
    ],
)
def test_stars_that_mask_no_listed_word_are_not_matched(text: str) -> None:
    assert _terms(text) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("مادر چ*د چیئرمین نے فنڈ کھا لیا", "مادر چود"),
        ("یہ رنڈیوں کی طرح ہنس رہی ہے", "رنڈیوں"),
        ("Ye choohre log sirf gutter ke liye hain", "choohre"),
    ],
)
def test_urdu_vowels_masked_by_a_star_and_inflected_slurs_are_banned(text: str, term: str) -> None:
    assert (fold(term), "banned") in [(fold(t), s) for t, s in _terms(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe council has a budget",
        "The assessment of the class was fair",
        "Matt Hancock visited the hospital",
        "The assassin was caught in Essex",
        "Can the cocktail bar get a licence?",
        "Block A55 has no water",
        "Why was the bill passed?",
        "Our analysis shows the therapist was right",
        "Dickens wrote about cities",
    ],
)
def test_scunthorpe_cases_do_not_match(text: str) -> None:
    assert _terms(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "کنجر",  # plain
        "كنجر",  # Arabic kaf
        "حَرامی",  # harakat
        "حرامـــی",  # tatweel
        "حرام\u200cزادہ",  # ZWNJ inside
        "حرام زادہ",  # split compound
        "ک ن ج ر",  # spaced letters
        "حرامي",  # Arabic yeh
    ],
)
def test_urdu_spelling_variants_match_banned_terms(text: str) -> None:
    assert any(sev == "banned" for _, sev in _terms(text)), text


def test_urdu_words_that_merely_contain_a_term_do_not_match() -> None:
    assert _terms("انصاف دلا دیں اور سڑک چوڑی کریں") == []
    assert _terms("آوارہ کتوں کو ویکسین کیوں نہیں لگائی جا رہی؟") == []


def test_suspect_term_is_held_with_the_matched_term_shown(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen("The SHO is an idiot", context=context, config=keyword_config)
    assert verdict.outcome == "hold"
    reason = verdict.primary_reason
    assert reason is not None and reason.code == "suspect_term"
    assert reason.detail["term"] == "idiot"
    assert reason.detail["matched"] == "idiot"


def test_roman_urdu_abuse_is_rejected(
    context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    verdict = screen("Yeh MNA bhenchod hai", context=context, config=keyword_config)
    assert verdict.outcome == "reject"


def test_extra_lexicon_from_config_is_applied(
    tmp_path: Path, context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    extra = tmp_path / "local.txt"
    extra.write_text("# local list\nbadword*\toffensive\n", encoding="utf-8")
    config = keyword_config.with_changes(extra_lexicons=(LexiconSource(str(extra), "banned"),))
    verdict = screen("You b4dwordz", context=context, config=config)
    assert verdict.outcome == "reject"
    assert verdict.primary_reason is not None
    assert verdict.primary_reason.detail["list"] == "file:local.txt"


def test_language_specific_extra_list_applies_only_to_that_language(
    tmp_path: Path, context: ScreeningContext, keyword_config: PipelineConfig
) -> None:
    extra = tmp_path / "ur-latn-local.txt"
    extra.write_text("nalaiq\tharassment\n", encoding="utf-8")
    config = keyword_config.with_changes(
        extra_lexicons=(LexiconSource(str(extra), "suspect", lang="ur-Latn"),)
    )
    assert (
        "suspect_term"
        in screen(
            "Yeh wazir nalaiq hai, kab istifa dega?", context=context, config=config
        ).reason_codes
    )
    assert (
        "suspect_term"
        not in screen(
            "Nalaiq is a word we use for useless ministers", context=context, config=config
        ).reason_codes
    )


def test_malformed_lexicon_category_is_an_error(tmp_path: Path) -> None:
    extra = tmp_path / "bad.txt"
    extra.write_text("word\tnot_a_category\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        load_lexicon(False, (LexiconSource(str(extra), "banned"),))


@pytest.mark.parametrize(
    "text",
    [
        "Kya is saal Shia aur Sunni mulazimeen ke liye Eid ki chuttiyan aik jaisi hongi?",
        "Kya Masihi safai karkunon ko pakki naukri milegi?",
        "Garmiyon ki chhuttiyon mein school ki marammat hogi?",
    ],
)
def test_everyday_roman_urdu_words_that_resemble_slurs_are_not_matched(text: str) -> None:
    assert load_lexicon(True, ()).find(fold(text), "ur-Latn") == []


@pytest.mark.parametrize(
    "text",
    [
        "Awara kuttay bachon ko kaat rahe hain, committee kab karwai karegi?",
        "Mohallay mein awara kutton ki tadaad barh gayi hai, vaccine kab lagegi?",
        "Pichlay mahine kutte ke katne ke das case aaye, hospital mein injection nahi.",
        "Gali mein bachay ko awara kutte ne kaat liya, vaccine kahan milegi?",
        "Jungli suar makai ki fasal tabah kar rahe hain, mehkma kya kar raha hai?",
        "ایک بچے کو آوارہ کتے نے کاٹ لیا، ویکسین کب آئے گی؟",
        "جنگلی سور گندم کی فصل اجاڑ رہے ہیں، کسان کیا کریں؟",
    ],
)
def test_stray_dog_complaints_are_not_held_for_the_animal_word(text: str) -> None:
    assert load_lexicon(True, ()).find(fold(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Mayor aik number ka kutta hai",
        "Awara kuttay uthao, aur yeh afsar bhi kuttay hain",  # the second use is an insult
        "Tum awara kutte ho",  # the singular serves as an insult too: not sheltered
        "Jungli suar bhaga do, aur yeh afsar bhi suar hai",
        "تم آوارہ کتے ہو",
    ],
)
def test_the_animal_word_aimed_at_a_person_is_still_held(text: str) -> None:
    found = load_lexicon(True, ()).find(fold(text), "ur-Latn")
    assert [m.severity for m in found] == ["suspect"]


def test_a_phrase_allow_list_shelters_only_the_phrase() -> None:
    from moderation.pipeline.lexicon import Lexicon, Term

    crook = Term("crook", "harassment", "suspect", "test", prefix=False, suffix=False)
    lexicon = Lexicon([crook], allowed=["crook  dam", "x"])
    assert lexicon.find(fold("When will the Crook Dam be repaired?")) == []
    assert [m.term for m in lexicon.find(fold("The Crook Dam engineer is a crook"))] == ["crook"]


def test_the_slur_is_still_caught_next_to_its_innocent_look_alike() -> None:
    found = load_lexicon(True, ()).find(fold("chuttiyan khatam, ab yeh chuuutiya phir aa gaya"))
    assert [m.term for m in found] == ["chutiya"]


@pytest.mark.parametrize(
    "text",
    [
        "These Ahmadis should be killed",
        "Transgenders are a curse on this city",
        "burn their houses and shops",
        "kill them all",
        "wipe out the Baloch",
        "Ahmadiyon ko mulk se nikal do",
        "in sab ko maar do",
        "Hindu sab ghaddar hain",
        "احمدی واجب القتل ہیں",
        "ان سب کو مار دو",
        "شیعہ سب کافر ہیں",
        "ان عیسائیوں کو ملک سے نکال دو",
        # Round five: dehumanising adjectives, expulsion by imperative, "only fit
        # for", the kitchen trope, and threats that name the victim's home.
        "Pathan sab jahil hain",
        "Hazaras are savages",
        "بلوچ جنگلی ہیں",
        "Hinduon ko laat maar ke nikalo",
        "افغانیوں کو دھکے دے کر نکالو",
        "Throw the Afghans out of this city",
        "Christians are only fit for sweeping streets",
        "Isai sirf gutter saaf karne ke qabil hain",
        "ہندو صرف جھاڑو دینے کے قابل ہیں",
        "A woman's place is in the kitchen, not in this hall",
        "Aurton ki jagah chulha hai",
        "عورت کا کام چولہا ہے",
        "We know where you live, councillor",
        "Tumhara ghar pata hai humein",
        "ہمیں پتہ ہے تم کہاں رہتے ہو",
        "They will drag you through the streets",
        # Veiled threats and "go jump off a bridge".
        "Better watch your back after this meeting, DC sahib",
        "SHO sahab, ghar jate hue peeche mud ke dekh lena",
        "کونسلر صاحب، رات کو پیچھے دیکھ کر چلنا",
        "Go jump off the new bridge, minister",
        "Jo pul banaya hai usi par se chhalang laga do",
        "اپنے پلازے کی چھت سے چھلانگ لگا دو",
        # "We'll see to you", curses wishing death, "a burden on the earth".
        "Hum tumhein bhi dekh lenge, thanedar",
        "ہم تمہیں دیکھ لیں گے، پٹواری",
        "Pata hai tumhara ghar kahan hai, nazim sahab",
        "ہمیں معلوم ہے آپ کا گھر کہاں ہے",
        "I hope the minister dies in a ditch",
        "May god destroy you and your office",
        "Allah kare ye afsar kisi haadse mein mare",
        "خدا کرے تم پر کیڑے پڑیں",
        "These beggars are a burden on the earth",
        "Ye log bas zameen par bojh hain",
        "یہ سب زمین پر بوجھ ہیں",
        "In sab ko sheher se nikaal do",
        "ان سب کو شہر سے نکال دو",
        "Khuda kare is MPA ko cancer ho",
        "اللہ کرے اس وزیر کو کینسر ہو",
    ],
)
def test_threat_and_group_hate_constructions_are_held(text: str) -> None:
    lexicon = load_lexicon(True, ())
    matches = lexicon.find(normalize(text).folded)
    assert any(m.category in ("threat", "hate_speech") for m in matches), text
    constructions = [m for m in matches if m.source == "builtin:threats.txt"]
    assert constructions, text
    assert all(m.severity == "suspect" for m in constructions)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("We know which school your kids go to, patwari sahib", "threat"),
        ("Whoever comes to demolish our shops will go back in pieces", "threat"),
        ("If he comes to Chakwal he won't go home alive", "threat"),
        ("She got the post because of who she sleeps with", "harassment"),
        ("Pata hai aap ke bachay kis school jate hain, kaam karwa lo", "threat"),
        ("Agar DC yahan aaya to zinda wapas nahi jayega", "threat"),
        ("Sab jante hain madam raat ko kis ke daftar jati hai", "harassment"),
        ("تحصیلدار صاحب، ہمیں پتا ہے تمہارے بچے کس اسکول جاتے ہیں", "threat"),
        ("اس بار جلسے میں آیا تو زندہ واپس نہیں جائے گا", "threat"),
        ("میڈم کونسلر، رات کو بھی ملاقات ہو سکتی ہے کیا", "harassment"),
    ],
)
def test_threats_through_family_or_route_and_sexual_insinuation_are_held(
    text: str, category: str
) -> None:
    lexicon = load_lexicon(True, ())
    matches = lexicon.find(normalize(text).folded)
    constructions = [m for m in matches if m.source == "builtin:threats.txt"]
    assert [m.category for m in constructions] == [category], text
    assert all(m.severity == "suspect" for m in constructions)


@pytest.mark.parametrize(
    "text",
    [
        "Do you know which school the children of Ward 4 should go to after the closure?",
        "The injured were sent home alive but with no treatment, why?",
        "Kya aap ko pata hai bachay kis school mein daakhil hon? Form kahan milega?",
        "Zinda wapas aane wale mazdooron ko muawza kab milega?",
        "Lady health worker raat ko kis ke ghar jaye? Delivery ke case mein rasta nahi",
        "رات کو ایمرجنسی میں ملاقات کے لیے کس سے رابطہ کریں؟",
        "کیا آپ کو معلوم ہے بچے کس اسکول میں داخل ہوں گے؟",
    ],
)
def test_school_route_and_night_questions_in_their_civic_sense_are_not_constructions(
    text: str,
) -> None:
    lexicon = load_lexicon(True, ())
    matches = lexicon.find(normalize(text).folded)
    assert not [m.term for m in matches if m.source == "builtin:threats.txt"], text


@pytest.mark.parametrize(
    "text",
    [
        "load shedding khatam karo",
        "Load-shedding khatam kar do, log tang hain",
        "Rishwat ka nizam khatam kar do",
        "لوڈشیڈنگ ختم کر دو",
        "Why are Hindus not given jobs in the council?",
        "Kya Shia aur Sunni dono committee mein honge?",
        "When will the council stop people who burn garbage?",
        "Should corrupt officials be punished?",
        "Will the council kill the mosquitoes before the monsoon?",
        "احمدی شہریوں کی شکایات کون سنے گا؟",
        "Christians are 2% of the city, how many council jobs do they have?",
        "Afghan khandanon ko ghar se nikala ja raha hai, kya ye qanooni hai?",
        "Will the police throw out the case against the Hindu traders?",
        "Christians are only asking for their wages on time",
        "Khawateen ka kaam karne ka mahol daftar mein behtar kab hoga?",
        "Women's work in the kitchen-garden scheme needs seeds, who supplies them?",
        "Do we know where the new tube well will be installed?",
        "کیا آپ کو پتا ہے ہم کہاں رہتے ہیں؟ یہاں پانی نہیں آتا",
        "Baloch students hostel kab khulega?",
        "Bachay nahar mein pul se chhalang lagate hain, jangla kab lagega?",
        "پل سے ایک طالب علم نے چھلانگ لگا دی، ریلنگ کب لگے گی؟",
        "Will the footbridge have a railing so nobody can jump off it?",
        "Peeche wali gali mein gutter ubal raha hai, koi dekh lega?",
        "The guard at the back gate must watch the parking at night",
        "Khuda kare is saal selab mein koi na mare, pushte kab mazboot honge?",
        "اللہ کرے اس سال کوئی بچہ نہ مرے، ویکسین کب آئے گی؟",
        "Hum aap ko report dikhayenge, aap khud dekh lena",
        "Qarz ka bojh awaam par kyun dala ja raha hai?",
        "May God reward the volunteers who cleaned the nullah",
        "Kachra sheher se nikaal do, bimariyan phail rahi hain",
        "Un ko daftar se nikal do jo rishwat lete hain",
    ],
)
def test_civic_demands_and_neutral_group_mentions_are_not_constructions(text: str) -> None:
    lexicon = load_lexicon(True, ())
    matches = lexicon.find(normalize(text).folded)
    assert not [m.term for m in matches if m.source == "builtin:threats.txt"], text


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("شرم سے ڈوب مرو، نکمے افسر", "ڈوب مرو"),
        ("نکمے کونسلر، ڈوب کے مر جا", "مر جا"),
        ("اپنی بکواس بند کرو اور کام کرو", "بکواس بند"),
        ("او الو کے پٹھے، جواب دو", "الو کے پٹھے"),
        ("جاؤ جہنم میں جاؤ سب", "جہنم میں جاؤ"),
        ("nikammay afsar, chullu bhar paani mein doob maro", "doob maro"),
        ("bakwas band kar aur jawab de", "bakwas band"),
        ("oye ullu ke pathay, sharam karo", "ullu ke pathay"),
        ("Go die, you useless councillor", "go die"),
        ("Drown yourself in the drain you never cleaned", "drown yourself"),
        ("جہنم میں سڑو، نکمے افسر", "جہنم میں سڑو"),
        ("jahannum mein saro tum sab", "jahannum mein saro"),
        ("Rot in hell, councillor", "rot in hell"),
    ],
)
def test_wishes_of_harm_and_insult_idioms_are_held_as_suspect_terms(text: str, term: str) -> None:
    assert (fold(term), "suspect") in [(fold(t), s) for t, s in _terms(text)]


@pytest.mark.parametrize(
    "text",
    [
        "نالے میں ایک بچہ ڈوب کر مر گیا، جنگلہ کب لگے گا؟",
        "یہ شرم سے ڈوب مرنے کا مقام ہے کہ ہسپتال میں دوا نہیں",
        "سیلاب میں لوگ بھوکے مر جاتے ہیں، امداد کب پہنچے گی؟",
        "Garmi mein log mar jate hain, cooling centre kab khulenge?",
        "Selab mein do bachay doob kar mar gaye, muawza kab milega?",
        "Will the new diesel generators go dim during load-shedding?",
        "Farmers say the river could drown their crops again this year.",
        "جہنم جیسی گرمی میں سڑک پر کام کیوں ہو رہا ہے؟",
    ],
)
def test_drowning_and_death_in_civic_questions_are_not_wishes_of_harm(text: str) -> None:
    terms = {term for term, _ in _terms(text)}
    assert not terms & {
        "ڈوب مرو",
        "ڈوب مر",
        "مر جا",
        "doob mar",
        "mar ja",
        "go die",
        "drown yourself",
    }
