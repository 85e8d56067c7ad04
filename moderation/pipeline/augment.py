"""Synthetic civic questions for training (never for evaluation).

The public corpora are tweets: their clean rows look nothing like a town-hall
question, so a model trained on them alone scores polite questions about water
or BISP as toxic (measured: civic friction 32-90 %). We add template-built civic
questions as clean examples and the same templates with an insult or a threat
spliced in as abusive examples, so the model learns that civic vocabulary is
not itself a signal. The hand-written set in moderation/evaluation/ is written
independently and stays held out; ``tests`` check that no generated sentence
equals one of its sentences.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from moderation.pipeline.training import Row

SOURCE = "synthetic-civic"

_EN_FRAMES = (
    "When will the {problem} in {place} be fixed? It has been {duration}.",
    "Why has nothing been done about the {problem} in {place}?",
    "{official}, how much was spent on {service} in {place} last year?",
    "Can you explain why the {problem} is still not solved in {place}?",
    "Is there any plan for {service} in {place}?",
    "Honestly, why should we trust your promises about {service} when the {problem} continues?",
    "Who is accountable for the {problem} in {place}?",
    "Respected {official}, our {place} has faced the {problem} for {duration}. What is the plan?",
    "Will the {problem} in {place} be addressed before {deadline}?",
    "Your department has failed on {service}. What will change in {place}?",
    "What is being done about {group} in {place}?",
    "How many complaints about the {problem} were received from {place}?",
)
_EN = {
    "problem": (
        "water shortage",
        "broken sewerage",
        "load-shedding",
        "overbilling",
        "gas shortage",
        "potholes",
        "closed health unit",
        "shortage of teachers",
        "delay in BISP payments",
        "encroachment",
        "street crime",
        "flooding of streets",
        "garbage heaps",
        "missing medicines",
        "land record errors",
        "bribery at the police station",
        "unpaid salaries",
        "broken street lights",
        "dengue outbreak",
        "smog",
    ),
    "place": (
        "our village",
        "Korangi",
        "Orangi Town",
        "Gulberg",
        "Model Town",
        "Saddar",
        "our union council",
        "the old city",
        "Sector G-9",
        "Hayatabad",
        "Satellite Town",
        "our mohalla",
        "Sukkur",
        "Multan Cantt",
        "D.I. Khan",
        "the industrial area",
    ),
    "official": (
        "Mayor sahib",
        "Honourable minister",
        "Deputy Commissioner",
        "Chairman",
        "Dear councillor",
        "Respected MPA",
        "SHO sahib",
        "Madam chairperson",
    ),
    "service": (
        "clean drinking water",
        "road repairs",
        "the basic health unit",
        "girls' schools",
        "gas connections",
        "electricity supply",
        "flood protection",
        "public transport",
        "land records",
        "BISP payment centres",
        "street lights",
        "drainage",
    ),
    "duration": ("three weeks", "six months", "two years", "since Eid", "since the floods"),
    "deadline": ("the monsoon", "Ramzan", "winter", "the budget", "the next election"),
    "group": (
        "security for the Muharram procession",
        "the Hindu temple's land",
        "jobs for Christian sanitation workers",
        "reserved seats for women",
        "ID cards for transgender persons",
        "Sikh pilgrims' transport",
        "scholarships for Baloch students",
        "Pashtun traders' shops",
        "complaints from Ahmadi citizens",
        "the Shia and Sunni imams' committee",
    ),
}
_EN_ABUSE = (
    "you corrupt bastard",
    "you fucking liar",
    "you useless pig",
    "shut up bitch",
    "you idiot",
    "go to hell",
    "I will break your legs",
    "we will burn your office",
    "you dirty thief",
    "son of a whore",
    "you moron",
    "we will kill you",
    "these Hindus are dogs",
    "women are brainless",
    "all Pathans are terrorists",
)

_UL_FRAMES = (
    "{place} mein {problem} {duration} se hai, kab theek hoga?",
    "{problem} ka masla {place} mein abhi tak hal kyun nahi hua?",
    "{official}, pichlay saal {place} mein {service} par kitna kharcha hua?",
    "Kya {place} mein {service} ka koi plan hai?",
    "Sach batayen, {service} ke wadon par hum yaqeen kyun karein jab {problem} jari hai?",
    "{place} mein {problem} ka zimmedar kaun hai?",
    "Mohtaram {official}, hamara {place} {duration} se {problem} jhel raha hai, kya plan hai?",
    "Kya {deadline} se pehle {place} ka {problem} hal hoga?",
    "Aap ka mehkma {service} mein nakaam raha hai, {place} mein kya badlega?",
    "{place} mein {group} ke liye kya kiya ja raha hai?",
    "{place} se {problem} ki kitni shikayat aayi hain?",
)
_UL = {
    "problem": (
        "paani ki kami",
        "gutter ka masla",
        "load shedding",
        "zyada bill",
        "gas ki kami",
        "sarak ke gadhay",
        "band BHU",
        "ustadon ki kami",
        "BISP ki raqam mein taakheer",
        "tajawuzat",
        "street crime",
        "galiyon mein selab",
        "kachray ke dher",
        "dawaiyon ki kami",
        "zameen ke record ki ghaltiyan",
        "thane mein rishwat",
        "tankhwah na milna",
        "street lights ka band hona",
        "dengue",
        "smog",
    ),
    "place": (
        "hamare gaon",
        "Korangi",
        "Orangi Town",
        "Gulberg",
        "Model Town",
        "Saddar",
        "hamari union council",
        "purane shehar",
        "G-9",
        "Hayatabad",
        "Satellite Town",
        "hamare mohallay",
        "Sukkur",
        "Multan",
        "D.I. Khan",
        "industrial area",
    ),
    "official": (
        "Mayor sahab",
        "wazir sahab",
        "DC sahab",
        "Chairman sahab",
        "councillor sahab",
        "MPA sahab",
        "SHO sahab",
        "chairperson sahiba",
    ),
    "service": (
        "saaf paani",
        "sarkon ki marammat",
        "BHU",
        "larkiyon ke school",
        "gas connection",
        "bijli ki supply",
        "selab se bachao",
        "public transport",
        "zameen ka record",
        "BISP center",
        "street lights",
        "nikasi aab",
    ),
    "duration": ("teen hafton", "chhe mahine", "do saal", "Eid", "selab ke baad"),
    "deadline": ("monsoon", "Ramzan", "sardi", "budget", "agle intikhabat"),
    "group": (
        "Muharram ke juloos ki security",
        "Hindu mandir ki zameen",
        "Masihi safai karkunon ki naukri",
        "khawateen ki makhsoos nishastein",
        "khwaja sira afraad ke shanakhti card",
        "Sikh yatriyon ki transport",
        "Baloch talaba ki scholarship",
        "Pashtun tajiron ki dukanein",
        "Ahmadi shehriyon ki shikayat",
        "Shia aur Sunni ulema ki committee",
    ),
}
_UL_ABUSE = (
    "harami",
    "kutte ki aulad",
    "beghairat chor",
    "teri maa ki",
    "bhenchod",
    "chutiya",
    "kanjar",
    "haramzada",
    "tujhe goli maar denge",
    "jaan se maar dunga",
    "gandu",
    "tera ghar jala denge",
    "zaleel insaan",
    "sab hindu ghaddar hain",
    "aurtein bewaqoof hain",
)

_UR_FRAMES = (
    "{place} میں {duration} سے {problem} ہے، یہ کب ٹھیک ہوگا؟",
    "{place} میں {problem} کا مسئلہ ابھی تک حل کیوں نہیں ہوا؟",
    "{official}، پچھلے سال {place} میں {service} پر کتنا خرچ ہوا؟",
    "کیا {place} میں {service} کا کوئی منصوبہ ہے؟",
    "سچ بتائیں، {service} کے وعدوں پر ہم یقین کیوں کریں جب {problem} جاری ہے؟",
    "{place} میں {problem} کا ذمہ دار کون ہے؟",
    "محترم {official}، ہمارا علاقہ {place} {duration} سے {problem} جھیل رہا ہے، کیا منصوبہ ہے؟",
    "کیا {deadline} سے پہلے {place} کا {problem} حل ہوگا؟",
    "آپ کا محکمہ {service} میں ناکام رہا ہے، {place} میں کیا بدلے گا؟",
    "{place} میں {group} کے لیے کیا کیا جا رہا ہے؟",
    "{place} سے {problem} کی کتنی شکایات آئی ہیں؟",
)
_UR = {
    "problem": (
        "پانی کی قلت",
        "گٹر کا مسئلہ",
        "لوڈشیڈنگ",
        "زائد بل",
        "گیس کی کمی",
        "سڑک کے گڑھے",
        "بند مرکز صحت",
        "اساتذہ کی کمی",
        "بی آئی ایس پی کی رقم میں تاخیر",
        "تجاوزات",
        "اسٹریٹ کرائم",
        "گلیوں میں سیلاب",
        "کچرے کے ڈھیر",
        "دواؤں کی کمی",
        "زمینی ریکارڈ کی غلطیاں",
        "تھانے میں رشوت",
        "تنخواہ نہ ملنا",
        "بند اسٹریٹ لائٹس",
        "ڈینگی",
        "اسموگ",
    ),
    "place": (
        "ہمارے گاؤں",
        "کورنگی",
        "اورنگی ٹاؤن",
        "گلبرگ",
        "ماڈل ٹاؤن",
        "صدر",
        "ہماری یونین کونسل",
        "پرانے شہر",
        "جی نائن",
        "حیات آباد",
        "سیٹلائٹ ٹاؤن",
        "ہمارے محلے",
        "سکھر",
        "ملتان",
        "ڈیرہ اسماعیل خان",
        "صنعتی علاقے",
    ),
    "official": (
        "میئر صاحب",
        "وزیر صاحب",
        "ڈپٹی کمشنر صاحب",
        "چیئرمین صاحب",
        "کونسلر صاحب",
        "ایم پی اے صاحب",
        "ایس ایچ او صاحب",
        "چیئرپرسن صاحبہ",
    ),
    "service": (
        "صاف پانی",
        "سڑکوں کی مرمت",
        "مرکز صحت",
        "لڑکیوں کے اسکول",
        "گیس کنکشن",
        "بجلی کی فراہمی",
        "سیلاب سے تحفظ",
        "پبلک ٹرانسپورٹ",
        "زمینی ریکارڈ",
        "بی آئی ایس پی مرکز",
        "اسٹریٹ لائٹس",
        "نکاسی آب",
    ),
    "duration": ("تین ہفتوں", "چھ مہینوں", "دو سال", "عید", "سیلاب کے بعد"),
    "deadline": ("مون سون", "رمضان", "سردیوں", "بجٹ", "اگلے انتخابات"),
    "group": (
        "محرم کے جلوس کی سیکیورٹی",
        "ہندو مندر کی زمین",
        "مسیحی صفائی کارکنوں کی ملازمت",
        "خواتین کی مخصوص نشستیں",
        "خواجہ سرا افراد کے شناختی کارڈ",
        "سکھ یاتریوں کی ٹرانسپورٹ",
        "بلوچ طلبہ کے وظائف",
        "پشتون تاجروں کی دکانیں",
        "احمدی شہریوں کی شکایات",
        "شیعہ اور سنی علما کی کمیٹی",
    ),
}
_UR_ABUSE = (
    "حرامی",
    "کتے کی اولاد",
    "بے غیرت چور",
    "تیری ماں کی",
    "بہن چود",
    "کنجر",
    "حرامزادے",
    "تجھے گولی مار دیں گے",
    "جان سے مار دوں گا",
    "گانڈو",
    "تیرا گھر جلا دیں گے",
    "ذلیل انسان",
    "سب ہندو غدار ہیں",
    "عورتیں بے وقوف ہیں",
    "لعنتی",
)

_TABLES: dict[str, tuple[Sequence[str], Mapping[str, Sequence[str]], Sequence[str]]] = {
    "en": (_EN_FRAMES, _EN, _EN_ABUSE),
    "ur-Latn": (_UL_FRAMES, _UL, _UL_ABUSE),
    "ur": (_UR_FRAMES, _UR, _UR_ABUSE),
}


def _fill(frame: str, slots: Mapping[str, Sequence[str]], rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in slots.items()}
    text = frame.format(**values)
    return text[0].upper() + text[1:] if text[:1].isascii() else text


def civic_rows(lang: str, n_clean: int, n_abusive: int, seed: int = 13) -> list[Row]:
    """``n_clean`` clean and ``n_abusive`` abusive synthetic questions (deterministic)."""
    if lang not in _TABLES:
        return []
    frames, slots, abuse = _TABLES[lang]
    # Reproducible sampling for training data, not a security use.
    rng = random.Random(f"{seed}:{lang}")  # noqa: S311
    seen: set[str] = set()
    rows: list[Row] = []
    attempts = 0
    while len(rows) < n_clean and attempts < n_clean * 20:
        attempts += 1
        text = _fill(rng.choice(frames), slots, rng)
        if text not in seen:
            seen.add(text)
            rows.append(Row(text, 0, lang, SOURCE))
    for _ in range(n_abusive):
        base = _fill(rng.choice(frames), slots, rng)
        insult = rng.choice(abuse)
        sep = "، " if lang == "ur" else ", "
        text = f"{insult}{sep}{base}" if rng.random() < 0.5 else f"{base} {insult}"
        rows.append(Row(text, 1, lang, SOURCE))
    return rows
