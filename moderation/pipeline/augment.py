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

import csv
import random
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

from moderation.pipeline import augment_harassment as harassment
from moderation.pipeline.normalize import fold, sanitize
from moderation.pipeline.training import Row

SOURCE = "synthetic-civic"
# Abusive rows built from the round-three constructions (``_ABUSE_3``):
# training may weight them differently (``training.train(construction_weight=)``).
CONSTRUCTION_SOURCE = "synthetic-civic-construction"
# Clean rows that address the same official a construction insulted (round four).
CONTRAST_SOURCE = "synthetic-civic-contrast"

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


# --- More variety (second round) ----------------------------------------------
# Extra frames and slot values written for phrasing the first round lacked:
# budgets and contracts, follow-ups, thanks-then-complaint, sharp but civil
# accusations, demands ("... khatam karo", a demand, not a threat), stray dogs
# and mosquitoes (civic uses of words that also insult). Written from general
# knowledge of municipal complaints, not from the held-out set.
_EN_FRAMES_2 = (
    "{official}, what is the budget for {service} in {place} and where did it go?",
    "People in {place} have suffered the {problem} for {duration}. What have you actually done?",
    "We complained about the {problem} many times. Why does nobody listen?",
    "When will funds for {service} be released?",
    "Could you tell us when work on {service} in {place} will start?",
    "Because of the {problem}, children and elderly people in {place} are suffering. "
    "What is the solution?",
    "The last government also promised {service}. How is your plan any different?",
    "Your officers only give statements about the {problem}. When will there be action?",
    "Who got the contract for {service} in {place}, and on what basis?",
    "Has the council decided anything about {group}?",
    "How many officials have faced action over the {problem}?",
    "Thank you, {official}, but the {problem} in {place} is still there. Will you follow up?",
    "How long will poor families carry the burden of the {problem}?",
    "The state of {service} in {place} is terrible. When will it improve?",
    "End the {problem} in {place} now, people are fed up.",
    "Stop the {problem}! How many more months must {place} wait?",
    "Is it true that the {service} budget for {place} was cut? Why?",
    "What happened to the inquiry into the {problem} in {place}?",
    "This is shameful: {duration} of {problem} and still no answer. Who will resign?",
    "Please publish the list of {service} projects for {place} with costs.",
    "My question is about {group}: what has the administration done this year?",
    "Can women in {place} get {service} without going through middlemen?",
    "If the {problem} is not solved before {deadline}, will you take responsibility?",
    "Will the council kill the mosquitoes before {deadline}? The {problem} is getting worse.",
    "What will be done about stray dogs in {place}? Children are afraid to go out.",
)
_EN_2 = {
    "problem": (
        "contaminated tap water",
        "illegal water hydrants",
        "absent doctors",
        "fake electricity bills",
        "blocked drains",
        "open manholes",
        "illegal parking",
        "ghost schools",
        "broken water pipelines",
        "land grabbing",
        "stray dog bites",
        "mosquito breeding",
        "delayed pensions",
        "traffic jams",
        "low gas pressure",
        "tanker mafia",
        "closed dispensary",
        "burning of garbage",
    ),
    "place": (
        "Lyari",
        "Nazimabad",
        "Johar Town",
        "Peshawar Saddar",
        "Quetta",
        "Larkana",
        "Mardan",
        "Bahawalpur",
        "our tehsil",
        "ward 12",
        "the katchi abadi",
        "Faisalabad",
        "Gilgit",
        "Muzaffarabad",
        "Thar",
        "Swat",
    ),
    "official": (
        "Commissioner sahib",
        "Respected MNA",
        "Madam Deputy Mayor",
        "Tehsil chairman",
        "Dear minister",
        "Sir",
    ),
    "service": (
        "vaccination",
        "sanitation",
        "the sewerage line",
        "the water filtration plant",
        "the ambulance service",
        "the dialysis unit",
        "school buses",
        "the new park",
        "Ehsaas payments",
        "Sehat card treatment",
        "the girls' college",
        "solid waste collection",
    ),
    "duration": ("a month", "four years", "since last summer", "ten days", "since 2022"),
    "deadline": ("Eid", "summer", "the new school year", "the end of June", "Muharram"),
    "group": (
        "the Christian graveyard wall",
        "Shia mourners' security",
        "a women's desk at the police station",
        "jobs for disabled persons",
        "the Sikh gurdwara's repairs",
        "Hazara students' admissions",
        "the Ahmadi community's complaints",
        "Hindu marriage registration",
        "the Sunni seminary's land",
        "Afghan refugees' schooling",
        "transgender persons' health cards",
        "Punjabi and Sindhi farmers' water share",
    ),
}

_UL_FRAMES_2 = (
    "{official}, {place} mein {service} ka budget kitna hai aur kahan kharch hua?",
    "{place} ke log {duration} se {problem} se pareshan hain, aap ne kya kiya?",
    "Hum ne {problem} ki shikayat kayi baar ki, koi sunwai kyun nahi hoti?",
    "{service} ke liye fund kab jari honge?",
    "Kya aap bata sakte hain ke {place} mein {service} ka kaam kab shuru hoga?",
    "{problem} ki wajah se {place} ke bachay aur buzurg mushkil mein hain, hal kya hai?",
    "Pichli hukumat ne bhi {service} ka wada kiya tha, aap ka plan kya mukhtalif hai?",
    "Aap ke afsar {problem} par sirf bayan dete hain, amal kab hoga?",
    "{place} mein {service} ka theka kis ko diya gaya aur kis bunyad par?",
    "Kya {group} ke baare mein council ne koi faisla kiya hai?",
    "{problem} par ab tak kitne afsaron ke khilaf karwai hui?",
    "Shukriya {official}, lekin {place} mein {problem} ab bhi hai, kya follow up hoga?",
    "Ghareeb log {problem} ka bojh kab tak uthayenge?",
    "{place} mein {service} ki halat bohat buri hai, kab behtar hogi?",
    "{place} mein {problem} khatam karo, log tang aa chuke hain.",
    "{problem} band karo! {place} ko aur kitne mahine intezar karna hoga?",
    "Kya yeh sach hai ke {place} ka {service} ka budget kaat diya gaya? Kyun?",
    "{place} mein {problem} ki inquiry ka kya bana?",
    "Sharam ki baat hai, {duration} se {problem} hai aur koi jawab nahi. Kaun istifa dega?",
    "Meharbani kar ke {place} ke {service} ke mansoobon ki list kharche samet jari karein.",
    "Mera sawal {group} ke baare mein hai, is saal intezamia ne kya kiya?",
    "Kya {place} ki khawateen ko {service} baghair sifarish ke mil sakta hai?",
    "Agar {deadline} se pehle {problem} hal na hua to kya aap zimmedari lenge?",
    "Kya council {deadline} se pehle machhar maar spray karegi? {problem} barh raha hai.",
    "{place} mein aawara kutton ka kya hoga? Bachay bahar jane se darte hain.",
    "Rishwat aur sifarish ka nizam khatam kar do, {service} sab ko barabar milna chahiye.",
)
_UL_2 = {
    "problem": (
        "ganda paani",
        "ghair qanooni hydrant",
        "doctoron ki ghair hazri",
        "jaali bijli ke bill",
        "band naliyan",
        "khulay gutter",
        "ghair qanooni parking",
        "ghost school",
        "paani ki tooti hui pipeline",
        "qabza mafia",
        "aawara kutton ke kaatne",
        "machharon ki afzaish",
        "pension mein der",
        "traffic jam",
        "gas ka kam pressure",
        "tanker mafia",
        "band dispensary",
        "kachra jalana",
    ),
    "place": (
        "Lyari",
        "Nazimabad",
        "Johar Town",
        "Peshawar",
        "Quetta",
        "Larkana",
        "Mardan",
        "Bahawalpur",
        "hamari tehsil",
        "ward 12",
        "kachi abadi",
        "Faisalabad",
        "Gilgit",
        "Muzaffarabad",
        "Thar",
        "Swat",
    ),
    "official": (
        "Commissioner sahab",
        "MNA sahab",
        "deputy mayor sahiba",
        "tehsil chairman sahab",
        "janab",
        "sir",
    ),
    "service": (
        "vaccination",
        "safai",
        "sewerage line",
        "paani ka filter plant",
        "ambulance service",
        "dialysis unit",
        "school bus",
        "naya park",
        "Ehsaas ki raqam",
        "Sehat card ka ilaj",
        "larkiyon ka college",
        "kachra uthana",
    ),
    "duration": ("aik mahine", "chaar saal", "pichli garmiyon", "das din", "2022"),
    "deadline": ("Eid", "garmiyon", "naye taleemi saal", "June ke aakhir", "Muharram"),
    "group": (
        "Masihi qabristan ki deewar",
        "Shia azadaron ki security",
        "thane mein khawateen desk",
        "mazoor afraad ki naukriyan",
        "Sikh gurdwara ki marammat",
        "Hazara talaba ke dakhlay",
        "Ahmadi baradari ki shikayat",
        "Hindu shadiyon ki registration",
        "Sunni madrassay ki zameen",
        "Afghan panah guzeenon ki taleem",
        "khwaja sira afraad ke sehat card",
        "Punjabi aur Sindhi kisanon ka paani",
    ),
}

_UR_FRAMES_2 = (
    "{official}، {place} میں {service} کا بجٹ کتنا ہے اور کہاں خرچ ہوا؟",
    "{place} کے لوگ {duration} سے {problem} سے پریشان ہیں، آپ نے کیا کیا؟",
    "ہم نے {problem} کی شکایت کئی بار کی، کوئی شنوائی کیوں نہیں ہوتی؟",
    "{service} کے لیے فنڈ کب جاری ہوں گے؟",
    "کیا آپ بتا سکتے ہیں کہ {place} میں {service} کا کام کب شروع ہوگا؟",
    "{problem} کی وجہ سے {place} کے بچے اور بزرگ مشکل میں ہیں، حل کیا ہے؟",
    "پچھلی حکومت نے بھی {service} کا وعدہ کیا تھا، آپ کا منصوبہ کیسے مختلف ہے؟",
    "آپ کے افسران {problem} پر صرف بیان دیتے ہیں، عمل کب ہوگا؟",
    "{place} میں {service} کا ٹھیکہ کس کو دیا گیا اور کس بنیاد پر؟",
    "کیا {group} کے بارے میں کونسل نے کوئی فیصلہ کیا ہے؟",
    "{problem} پر اب تک کتنے افسران کے خلاف کارروائی ہوئی؟",
    "شکریہ {official}، لیکن {place} میں {problem} اب بھی ہے، کیا فالو اپ ہوگا؟",
    "غریب لوگ {problem} کا بوجھ کب تک اٹھائیں گے؟",
    "{place} میں {service} کی حالت بہت خراب ہے، کب بہتر ہوگی؟",
    "{place} میں {problem} ختم کرو، لوگ تنگ آ چکے ہیں۔",
    "{problem} بند کرو! {place} کو مزید کتنے مہینے انتظار کرنا ہوگا؟",
    "کیا یہ سچ ہے کہ {place} کا {service} کا بجٹ کاٹ دیا گیا؟ کیوں؟",
    "{place} میں {problem} کی انکوائری کا کیا بنا؟",
    "شرم کی بات ہے، {duration} سے {problem} ہے اور کوئی جواب نہیں۔ کون استعفیٰ دے گا؟",
    "براہ کرم {place} کے {service} کے منصوبوں کی فہرست اخراجات سمیت جاری کریں۔",
    "میرا سوال {group} کے بارے میں ہے، اس سال انتظامیہ نے کیا کیا؟",
    "اگر {deadline} سے پہلے {problem} حل نہ ہوا تو کیا آپ ذمہ داری لیں گے؟",
    "کیا کونسل {deadline} سے پہلے مچھر مار اسپرے کرے گی؟ {problem} بڑھ رہا ہے۔",
    "{place} میں آوارہ کتوں کا کیا ہوگا؟ بچے باہر جانے سے ڈرتے ہیں۔",
    "رشوت اور سفارش کا نظام ختم کر دو، {service} سب کو برابر ملنا چاہیے۔",
)
_UR_2 = {
    "problem": (
        "گندا پانی",
        "غیر قانونی ہائیڈرنٹ",
        "ڈاکٹروں کی غیر حاضری",
        "جعلی بجلی کے بل",
        "بند نالیاں",
        "کھلے مین ہول",
        "غیر قانونی پارکنگ",
        "گھوسٹ اسکول",
        "ٹوٹی ہوئی پائپ لائن",
        "قبضہ مافیا",
        "آوارہ کتوں کے کاٹنے",
        "مچھروں کی افزائش",
        "پنشن میں تاخیر",
        "ٹریفک جام",
        "گیس کا کم پریشر",
        "ٹینکر مافیا",
        "بند ڈسپنسری",
        "کچرا جلانا",
    ),
    "place": (
        "لیاری",
        "ناظم آباد",
        "جوہر ٹاؤن",
        "پشاور",
        "کوئٹہ",
        "لاڑکانہ",
        "مردان",
        "بہاولپور",
        "ہماری تحصیل",
        "وارڈ بارہ",
        "کچی آبادی",
        "فیصل آباد",
        "گلگت",
        "مظفرآباد",
        "تھر",
        "سوات",
    ),
    "official": ("کمشنر صاحب", "ایم این اے صاحب", "ڈپٹی میئر صاحبہ", "تحصیل چیئرمین صاحب", "جناب"),
    "service": (
        "ویکسینیشن",
        "صفائی",
        "سیوریج لائن",
        "پانی کا فلٹر پلانٹ",
        "ایمبولینس سروس",
        "ڈائیلاسز یونٹ",
        "اسکول بس",
        "نیا پارک",
        "احساس کی رقم",
        "صحت کارڈ کا علاج",
        "لڑکیوں کا کالج",
        "کچرا اٹھانا",
    ),
    "duration": ("ایک مہینے", "چار سال", "پچھلی گرمیوں", "دس دن", "دو ہزار بائیس"),
    "deadline": ("عید", "گرمیوں", "نئے تعلیمی سال", "جون کے آخر", "محرم"),
    "group": (
        "مسیحی قبرستان کی دیوار",
        "شیعہ عزاداروں کی سیکیورٹی",
        "تھانے میں خواتین ڈیسک",
        "معذور افراد کی ملازمتیں",
        "سکھ گوردوارے کی مرمت",
        "ہزارہ طلبہ کے داخلے",
        "احمدی برادری کی شکایات",
        "ہندو شادیوں کی رجسٹریشن",
        "سنی مدرسے کی زمین",
        "افغان پناہ گزینوں کی تعلیم",
        "خواجہ سرا افراد کے صحت کارڈ",
        "پنجابی اور سندھی کسانوں کا پانی",
    ),
}

# Threats and group hate *without* slurs: a group (or "them") plus a call to
# violence or a dehumanising claim. Generated as abusive rows on their own and
# spliced into civic questions, so that group names and words like "khatam"
# stay neutral while the construction is learnt.
_HATE: dict[str, tuple[Sequence[str], Sequence[str], Sequence[str]]] = {
    "en": (
        (
            "Hindus",
            "Christians",
            "Ahmadis",
            "Shias",
            "Sunnis",
            "Sikhs",
            "women",
            "transgenders",
            "Pathans",
            "Baloch",
            "Punjabis",
            "Sindhis",
            "Muhajirs",
            "Hazaras",
            "Afghans",
            "these people",
        ),
        (
            "{g} should be killed",
            "{g} must be wiped out",
            "burn their houses, all {g}",
            "kill them all, these {g}",
            "{g} are a curse on this country",
            "{g} are not human",
            "{g} are dogs and deserve nothing",
            "{g} should be thrown out of the country",
            "someone should shoot the {g} one by one",
            "{g} are traitors, hang them",
            "{g} are vermin",
            "we will burn down their shops, these {g}",
        ),
        (),
    ),
    "ur-Latn": (
        (
            "Hindu",
            "Isai",
            "Ahmadi",
            "Shia",
            "Sunni",
            "Sikh",
            "aurtein",
            "khusray",
            "Pathan",
            "Baloch",
            "Punjabi",
            "Sindhi",
            "Muhajir",
            "Hazara",
            "Afghani",
            "ye log",
        ),
        (
            "{g} ko maar do",
            "{g} ko zinda jala do",
            "{g} ko khatam kar do",
            "{g} ko mulk se nikal do",
            "{g} sab ghaddar hain",
            "{g} wajib ul qatl hain",
            "{g} insaan nahi janwar hain",
            "{g} par lanat, in ke ghar jala do",
            "{g} ko goli maar deni chahiye",
            "in {g} ko phansi do",
            "{g} is mulk ke liye kaansar hain",
            "{g} ki dukanein jala denge",
        ),
        (),
    ),
    "ur": (
        (
            "ہندو",
            "عیسائی",
            "احمدی",
            "شیعہ",
            "سنی",
            "سکھ",
            "عورتیں",
            "خواجہ سرا",
            "پٹھان",
            "بلوچ",
            "پنجابی",
            "سندھی",
            "مہاجر",
            "ہزارہ",
            "افغانی",
            "یہ لوگ",
        ),
        (
            "{g} کو مار دو",
            "{g} کو زندہ جلا دو",
            "{g} کو ختم کر دو",
            "{g} کو ملک سے نکال دو",
            "{g} سب غدار ہیں",
            "{g} واجب القتل ہیں",
            "{g} انسان نہیں جانور ہیں",
            "{g} پر لعنت، ان کے گھر جلا دو",
            "{g} کو گولی مار دینی چاہیے",
            "ان {g} کو پھانسی دو",
            "{g} اس ملک کے لیے ناسور ہیں",
            "{g} کی دکانیں جلا دیں گے",
        ),
        (),
    ),
}

# Roman Urdu has no standard spelling: the same word is written many ways.
# Training text gets random variants so the model sees them (word -> variants).
_ROMAN_VARIANTS: dict[str, tuple[str, ...]] = {
    "hai": ("hay", "he", "h"),
    "hain": ("hen", "hein", "hn"),
    "nahi": ("nahin", "nai", "nhi", "nahee"),
    "kyun": ("kyon", "kiyon", "q", "kyu"),
    "mein": ("main", "me", "mai", "men"),
    "kab": ("kb",),
    "kya": ("kia", "kiya", "kyaa"),
    "ke": ("kay", "k"),
    "ki": ("ky", "kee"),
    "ka": ("ka",),
    "se": ("say", "sy", "sey"),
    "aur": ("or", "aor"),
    "hoga": ("ho ga", "hoge", "hogaa"),
    "hamare": ("humare", "hamaray", "hmare"),
    "hamari": ("humari", "hmari"),
    "paani": ("pani", "pany"),
    "bijli": ("bijlee", "bjli"),
    "sarak": ("sadak", "sarrak", "road"),
    "hukumat": ("hakoomat", "hukoomat", "govt"),
    "masla": ("maslah", "masala", "mas'ala"),
    "shikayat": ("shikayaat", "complaint", "shikaiyat"),
    "kaun": ("kon", "koun"),
    "kitna": ("kitnaa", "kitna"),
    "kitne": ("kitnay",),
    "abhi": ("abi", "ab bhi"),
    "theek": ("thik", "teek", "theek"),
    "sahab": ("sahib", "saab", "sb"),
    "bohat": ("bohot", "bahut", "bht", "buhat"),
    "liye": ("liay", "lye", "liyay"),
    "karein": ("karen", "krein", "kren"),
    "kiya": ("kia", "kya"),
    "gaya": ("gya", "gaya"),
    "raha": ("rha",),
    "rahe": ("rahay", "rhe"),
    "wala": ("wla", "waala"),
    "walay": ("wale", "waly"),
    "bachay": ("bachche", "bache", "bachy"),
    "zimmedar": ("zimmadar", "zimedar", "zimmedaar"),
    "intezar": ("intazar", "intizar"),
    "mahine": ("mahinay", "mahiney", "month"),
    "saal": ("sal",),
}


def _vary_roman(text: str, rng: random.Random, rate: float = 0.35) -> str:
    """Swap words for common alternative Roman Urdu spellings at ``rate``."""
    out = []
    for word in text.split(" "):
        core = word.rstrip("?,.!")
        tail = word[len(core) :]
        options = _ROMAN_VARIANTS.get(core.lower())
        if options and rng.random() < rate:
            core = rng.choice(options)
        out.append(core + tail)
    return " ".join(out)


def _casual(text: str, lang: str, rng: random.Random) -> str:
    """Typing as people type: spelling variants, lower case, no final mark."""
    if lang == "ur-Latn":
        text = _vary_roman(text, rng)
    if lang != "ur" and rng.random() < 0.2:
        text = text.lower()
    if rng.random() < 0.15:
        text = text.rstrip("?.!؟۔")
    return text


# --- Round three: insults without swear words, and their civic look-alikes ----
# Measured on a fresh held-out set (civic_questions_holdout.csv), the model let
# through abuse that uses no listed word: insults made of ordinary nouns aimed
# at an official ("the minister is a brainless donkey"), sexism ("women's work
# is the kitchen"), wishes of harm ("go drown"), veiled threats ("we know where
# you live"), mocking an official's family, and dehumanising claims about a
# group ("... are termites"). These are generated as *constructions with slot
# variation* below (``_ABUSE_3``), alone or around a civic question.
# The clean frames of round three (``*_FRAMES_3``) use the same words in civic
# questions -- stray dogs and monkeys, children who drowned in an open drain,
# women's right to vote or inherit, a mother's pension, theft at night, locusts
# and termites, sharp but civil criticism -- so that the words stay neutral and
# the construction is what is learnt. Written from general knowledge of
# Pakistani civic complaints and abuse, not from the evaluation files.
_EN_FRAMES_3 = (
    "Stray dogs bit children in {place} last month. When will the dogs be vaccinated?",
    "Rats run through the wards of the {place} hospital. Who is responsible for cleaning?",
    "After the floods, snakes are coming into homes in {place}. Is anti-venom available?",
    "Why are donkey carts stopped from entering the {place} market?",
    "Monkeys enter houses in {place} every day. What is the wildlife department doing?",
    "A child drowned in an open drain in {place}. When will the drains be covered?",
    "People in {place} are dying because of the {problem}. Does anyone in the council care?",
    "How many people drowned in {place} in the floods, and were their families compensated?",
    "My mother's pension has been stopped for {duration}. Which office should she go to?",
    "My daughter's school has the {problem}. Will there be an inspection?",
    "{women} have every right to {public}. What facilities are being provided for that?",
    "Why do {women} in {place} still not get their share of inheritance?",
    "Will the {place} office open a separate counter for {women}?",
    "Thefts have increased in our street. When will night patrols in {place} increase?",
    "It is no longer safe to go out alone at night in {place}. What are the police doing?",
    "{official}, your performance has been disappointing. Please answer on the {problem}.",
    "It is sheer incompetence that the {problem} is unsolved after {duration}. "
    "Who will be punished?",
    "Cancer and stroke patients from {place} must travel to Lahore. "
    "When will treatment be available here?",
    "What action does the administration take against hate speech targeting {hated}?",
    "Locusts destroyed crops around {place}. Will farmers be compensated?",
    "Termites have hollowed out the roof of the school in {place}. When will it be repaired?",
    "Garbage is rotting in the streets of {place} and disease is spreading. Whose job is it?",
    "Is anyone keeping an eye on the contractor? The {service} work in {place} looks fake.",
    "The officials in {place} sleep while the {problem} continues. Wake up and act, please.",
)
_EN_3: dict[str, tuple[str, ...]] = {
    "women": ("women", "girls", "widows", "working women", "female students"),
    "public": (
        "vote",
        "work in government offices",
        "speak at council meetings",
        "run for office",
        "drive",
        "own property",
    ),
    "hated": ("Ahmadis", "Christians", "Hindus", "Shias", "Hazaras", "transgender people"),
}
_UL_FRAMES_3 = (
    "Pichlay mahine {place} mein aawara kutton ne bachon ko kaata, kutton ki vaccination kab hogi?",
    "{place} ke hospital ke wards mein chuhe phirte hain, safai ka zimmedar kaun hai?",
    "Selab ke baad {place} mein gharon mein saanp nikal rahe hain, "
    "kya hospital mein ilaj ki dawa hai?",
    "Gadha gari walon ko {place} ki mandi mein kyun nahi aane diya jata?",
    "{place} mein bandar roz gharon mein ghus aate hain, wildlife mehkama kya kar raha hai?",
    "{place} mein ek bacha khule naale mein doob kar mar gaya, naale kab dhaanpe jayenge?",
    "{problem} ki wajah se {place} mein log mar rahe hain, kya council mein kisi ko parwah hai?",
    "Selab mein {place} ke kitne log doob gaye aur un ke gharwalon ko muawza mila?",
    "Meri walida ki pension {duration} se ruki hui hai, woh kis daftar jayen?",
    "Meri beti ke school mein {problem} hai, kya koi inspection hogi?",
    "{women} ko {public} ka poora haq hai, is ke liye kya sahulat di ja rahi hai?",
    "{place} mein {women} ko wirasat mein hissa kyun nahi milta?",
    "Kya {place} mein {women} ke liye {service} ka alag intezam hoga?",
    "Hamari gali mein choriyan barh gayi hain, {place} mein raat ka gasht kab barhega?",
    "{place} mein raat ko akele nikalna mehfooz nahi raha, police kya kar rahi hai?",
    "{official}, aap ki karkardagi mayoos kun rahi hai, {problem} par jawab dein.",
    "Ye sarasar na-ahli hai ke {duration} se {problem} hal nahi hua, "
    "zimmedaron par action kab hoga?",
    "Cancer aur falij ke mareezon ko {place} se Lahore jana parta hai, yahan ilaj kab milega?",
    "{hated} ke khilaf nafrat angez taqreeron par intezamia kya karwai karti hai?",
    "Tiddi dal ne {place} ki faslein tabah kar dein, kya kisanon ko muawza milega?",
    "Deemak ne {place} ke school ki chhat khokhli kar di hai, marammat kab hogi?",
    "{place} ki galiyon mein kachra sar raha hai aur bimari phail rahi hai, kis ki zimmedari hai?",
    "Thekedar par koi nazar rakh raha hai? {place} mein {service} ka kaam jaali lagta hai.",
    "{place} ke afsar so rahe hain aur {problem} jari hai, khuda ke liye jaagiye aur kuch kijiye.",
)
_UL_3: dict[str, tuple[str, ...]] = {
    "women": ("Khawateen", "Aurton", "Larkiyon", "Bewa khawateen", "Talibaat"),
    "public": (
        "vote dalne",
        "sarkari daftar mein kaam karne",
        "council mein bolne",
        "election larne",
        "gari chalane",
        "jaidad rakhne",
    ),
    "hated": (
        "Ahmadiyon",
        "Masihiyon",
        "Hinduon",
        "Shia baradari",
        "Hazara baradari",
        "khwaja siraon",
    ),
}
_UR_FRAMES_3 = (
    "پچھلے مہینے {place} میں آوارہ کتوں نے بچوں کو کاٹا، کتوں کی ویکسینیشن کب ہوگی؟",
    "{place} کے ہسپتال کے وارڈوں میں چوہے پھرتے ہیں، صفائی کا ذمہ دار کون ہے؟",
    "سیلاب کے بعد {place} میں گھروں میں سانپ نکل رہے ہیں، کیا ہسپتال میں تریاق موجود ہے؟",
    "گدھا گاڑی والوں کو {place} کی منڈی میں کیوں نہیں آنے دیا جاتا؟",
    "{place} میں بندر روز گھروں میں گھس آتے ہیں، محکمہ جنگلی حیات کیا کر رہا ہے؟",
    "{problem} کی وجہ سے {place} میں لوگ مر رہے ہیں، کیا کونسل میں کسی کو پروا ہے؟",
    "{place} میں ایک بچہ کھلے نالے میں ڈوب کر مر گیا، نالے کب ڈھانپے جائیں گے؟",
    "سیلاب میں {place} کے کتنے لوگ ڈوب گئے اور ان کے گھر والوں کو معاوضہ ملا؟",
    "میری والدہ کی پنشن {duration} سے رکی ہوئی ہے، وہ کس دفتر جائیں؟",
    "میری بیٹی کے اسکول میں {problem} ہے، کیا کوئی معائنہ ہوگا؟",
    "{women} کو {public} کا پورا حق ہے، اس کے لیے کیا سہولت دی جا رہی ہے؟",
    "{place} میں {women} کو وراثت میں حصہ کیوں نہیں ملتا؟",
    "کیا {place} میں {women} کے لیے {service} کا الگ انتظام ہوگا؟",
    "ہماری گلی میں چوریاں بڑھ گئی ہیں، {place} میں رات کا گشت کب بڑھے گا؟",
    "{place} میں رات کو اکیلے نکلنا محفوظ نہیں رہا، پولیس کیا کر رہی ہے؟",
    "{official}، آپ کی کارکردگی مایوس کن رہی ہے، {problem} پر جواب دیں۔",
    "یہ سراسر نااہلی ہے کہ {duration} سے {problem} حل نہیں ہوا، "
    "ذمہ داروں کے خلاف کارروائی کب ہوگی؟",
    "کینسر اور فالج کے مریضوں کو {place} سے لاہور جانا پڑتا ہے، یہاں علاج کب ملے گا؟",
    "{hated} کے خلاف نفرت انگیز تقریروں پر انتظامیہ کیا کارروائی کرتی ہے؟",
    "ٹڈی دل نے {place} کی فصلیں تباہ کر دیں، کیا کسانوں کو معاوضہ ملے گا؟",
    "دیمک نے {place} کے اسکول کی چھت کھوکھلی کر دی ہے، مرمت کب ہوگی؟",
    "{place} کی گلیوں میں کچرا سڑ رہا ہے اور بیماری پھیل رہی ہے، یہ کس کی ذمہ داری ہے؟",
    "ٹھیکیدار پر کوئی نظر رکھ رہا ہے؟ {place} میں {service} کا کام جعلی لگتا ہے۔",
    "{place} کے افسر سو رہے ہیں اور {problem} جاری ہے، خدا کے لیے جاگیں اور کچھ کریں۔",
)
_UR_3: dict[str, tuple[str, ...]] = {
    "women": ("خواتین", "عورتوں", "لڑکیوں", "بیوہ خواتین", "طالبات"),
    "public": (
        "ووٹ ڈالنے",
        "سرکاری دفتر میں کام کرنے",
        "کونسل میں بولنے",
        "الیکشن لڑنے",
        "گاڑی چلانے",
        "جائیداد رکھنے",
    ),
    "hated": ("احمدیوں", "مسیحیوں", "ہندوؤں", "شیعہ برادری", "ہزارہ برادری", "خواجہ سراؤں"),
}

# Abusive constructions: (frames, slots). ``{civic}`` is never a slot here;
# ``civic_rows`` puts a civic question before or after some of them.
_ABUSE_3: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "en": (
        (
            # insults made of ordinary words, aimed at an official
            "The {target} is {mod}{insult}.",
            "This {insult} of a {target} should not be in office.",
            "Answer me, you {insult}.",
            "Who put a {insult} like you in charge?",
            "The {target} has the brains of a {animal}.",
            "Our {target} is a {animal} in a suit.",
            "Shut up, you {insult}, nobody listens to you.",
            "You are all {insults}, there is no hope from you.",
            # mocking an official's family
            "Your {relative} must be hiding from the neighbours because of a {insult} like you.",
            "The {target}'s whole family are {insults}, like father like son.",
            "Ask your {relative} how {adj} you are.",
            # wishes of harm
            "Go {harm}.",
            "{target}, I hope you {harm}.",
            "May God {curse} you and your family.",
            "Why don't you just {harm}?",
            # veiled threats
            "{target}, be careful on your way home.",
            "We know the way to your house, {target}.",
            "Accidents happen, {target}. Drive carefully.",
            "Keep talking and see what happens to you.",
            "You will regret this, we will see you outside.",
            # sexism
            "{women_s} should stay within four walls and leave it to men to {public}.",
            "{women_s} have no business trying to {public}.",
            "A woman as {role}? That is why nothing works.",
            "Send a man, what does a woman know about {topic}?",
            "{women_s} who {public} have no shame.",
            # dehumanising group claims
            "{group} are {vermin}.",
            "{group} breed like {vermin_pl}.",
            "Give {group} no work except {menial}.",
            "{group} have no brains and no honour.",
            "Boycott the {group}, never trade with them.",
            "Do not let {group} {public}, they are filth.",
        ),
        {
            "target": (
                "mayor",
                "minister",
                "councillor",
                "SHO",
                "DC",
                "chairman",
                "MPA",
                "officer",
            ),
            "mod": ("", "a complete ", "a first-class ", "an utter ", "the biggest "),
            "insult": (
                "fool",
                "joker",
                "beggar",
                "donkey",
                "buffoon",
                "liar",
                "crook",
                "thug",
                "parasite",
                "loser",
                "fraud",
                "coward",
                "rat",
                "worm",
            ),
            "insults": ("fools", "beggars", "crooks", "thieves", "cowards", "liars", "donkeys"),
            "animal": ("donkey", "goat", "buffalo", "monkey", "chicken", "owl"),
            "adj": ("useless", "stupid", "shameless", "worthless", "pathetic"),
            "relative": ("mother", "wife", "sister", "daughter", "father", "son"),
            "harm": (
                "drown yourself in a gutter",
                "die in a ditch",
                "fall off a roof",
                "choke on the money you stole",
                "burn in hell",
                "catch something incurable",
                "get hit by a bus",
            ),
            "curse": ("destroy", "curse", "ruin", "punish"),
            "women_s": ("Women", "Girls", "These women", "Females"),
            "domestic": ("stay at home", "cook", "raise children", "wash dishes"),
            "public": ("vote", "run offices", "speak in public", "drive", "do politics", "work"),
            "role": ("deputy commissioner", "mayor", "SP", "judge", "minister"),
            "topic": ("roads", "budgets", "policing", "drainage", "land records"),
            "group": (
                "Hindus",
                "Christians",
                "Ahmadis",
                "Shias",
                "Sikhs",
                "Pathans",
                "Baloch",
                "Sindhis",
                "Punjabis",
                "Muhajirs",
                "Hazaras",
                "Afghans",
                "transgenders",
            ),
            "vermin": (
                "termites",
                "a plague",
                "lice",
                "germs",
                "a burden",
                "garbage",
                "locusts",
                "a disease",
                "filth",
            ),
            "vermin_pl": ("rats", "flies", "rabbits", "mosquitoes"),
            "menial": ("sweeping", "slavery", "begging", "cleaning shoes"),
        },
    ),
    "ur-Latn": (
        (
            "{target} {mod}{insult} hai",
            "Ye {insult} {target} kab jayega?",
            "{insult} {target}, jawab de",
            "Oye {insult}, pehle apni shakal dekh",
            "Tum jaisa {insult} is ohday ke laiq nahi",
            "{target} ki aqal ghaas charne gayi hai, {insult} kahin ka",
            "{target} ke dimagh mein bhoosa bhara hai",
            "Chup kar {insult}, teri baat kaun sunta hai",
            "Tum sab {insult} ho, tum se koi umeed nahi",
            "{target} jaise {insult} ko kursi par kis ne bithaya?",
            "Teri {relative} bhi teri tarah {insult_any} hogi",
            "{target} ki {relative} mohallay mein munh chhupati phirti hogi",
            "Apni {relative} se pooch tu kitna {insult} hai",
            "Tera baap bhi {insult} tha aur tu us se bhi bara {insult} hai",
            "{harm}",
            "{target}, {harm}",
            "Allah kare tum {disaster}",
            "Tumhein {disease} ho jaye",
            "{target} zara sambhal ke rehna",
            "Tumhare ghar ka rasta humein aata hai {target}",
            "{target} apna khayal rakhna, aaj kal haadsay bohat hote hain",
            "Raat ko akele bahar nikalne se pehle soch lena",
            "Hum tumhein dekh lenge {target}",
            "Aisa sabaq sikhayenge ke naslein yaad rakhengi",
            "Apni khair chahte ho to kal tak istifa de do",
            "Ziyada bologe to anjaam bura hoga",
            "{women} ghar ki chaar deewari mein rahein, {public} mardon ka kaam hai",
            "{women} ko {public_obl} ka koi haq nahi",
            "{women} ki aqal aadhi hoti hai, un se {topic} kya sambhlega",
            "Aurat ko {role} bana diya, ab shehar ka yehi haal hoga",
            "Kisi mard ko bhejo, aurat kya jaane {topic}",
            "Jo {women_dir} {public_obl} jati hain woh behaya hain",
            "{group} {vermin} hain",
            "{group} {vermin} ki tarah phail rahe hain",
            "{group} ko {menial} ke siwa koi kaam na do",
            "{group} mein na aqal hai na ghairat",
            "{group} par bharosa mat karo, ye sab dhokebaaz hain",
            "{group} ka boycott karo, in se koi len den nahi",
            "{group} ko is shehar se bhagao",
        ),
        {
            "target": (
                "Mayor",
                "wazir",
                "ye councillor",
                "SHO",
                "DC",
                "chairman",
                "ye afsar",
                "MPA",
                "patwari",
                "ye MNA",
                "tehsildar",
                "ye thekedar",
            ),
            "mod": ("", "ek number ka ", "parlay darje ka ", "pakka ", "sab se bara "),
            "insult": (
                "jahil",
                "nikamma",
                "nalaiq",
                "bhikari",
                "gadha",
                "ullu",
                "bandar",
                "keera",
                "makkar",
                "jhoota",
                "lutera",
                "daku",
                "besharam",
                "behaya",
                "manhoos",
                "kam zarf",
                "ghatiya",
                "thug",
                "fraudiya",
                "khabees",
                "mardood",
                "chamcha",
                "buzdil",
                "gidar",
                "badmash",
            ),
            "relative": ("maa", "biwi", "behan", "beti", "saas", "nani"),
            "insult_any": (
                "besharam",
                "behaya",
                "manhoos",
                "kam zarf",
                "ghatiya",
                "makkar",
                "jahil",
                "buzdil",
                "khabees",
                "mardood",
            ),
            "women_dir": ("Aurtein", "Larkiyan", "Khawateen"),
            "public_obl": (
                "vote dalne",
                "siyasat karne",
                "naukri karne",
                "council mein bolne",
                "gari chalane",
                "election larne",
            ),
            "harm": (
                "chullu bhar paani mein doob maro",
                "darya mein kood jao",
                "jahannum mein jao",
                "dafa ho jao",
                "mar kyun nahi jate",
                "tumhein maut kyun nahi aati",
                "kisi gutter mein gir ke mar jao",
                "khuda tumhein gharat kare",
                "tumhara beda gharq ho",
                "tumhari qabar mein keeray parein",
            ),
            "disaster": (
                "kisi haadsay mein mar jao",
                "bistar se na uth sako",
                "sarak par bheek mango",
                "tumhare ghar ko aag lag jaye",
                "tumhari nasal khatam ho jaye",
                "keeray par par ke maro",
            ),
            "disease": ("cancer", "falij", "korh", "TB"),
            "women": ("Aurton", "Khawateen", "Larkiyon", "Aurat zaat"),
            "domestic": ("ghar sambhalna", "roti pakana", "bachay palna", "bartan dhona"),
            "public": (
                "siyasat",
                "vote dalna",
                "afsari",
                "naukri",
                "council mein baithna",
                "jalsay mein bolna",
                "gari chalana",
            ),
            "role": ("deputy commissioner", "mayor", "SP", "wazir", "chairperson", "judge"),
            "topic": (
                "sarkon ka kaam",
                "budget",
                "police ka nizam",
                "nikasi aab",
                "zameen ka record",
            ),
            "group": (
                "Hindu",
                "Isai",
                "Ahmadi",
                "Shia",
                "Sikh",
                "Pathan",
                "Baloch",
                "Sindhi",
                "Punjabi",
                "Muhajir",
                "Hazara",
                "Afghani",
                "khusray",
            ),
            "vermin": (
                "keeray makoray",
                "deemak",
                "nasoor",
                "gandagi",
                "bojh",
                "bimari",
                "zehar",
                "jaraseem",
                "taaoon",
                "kachra",
                "tiddi dal",
                "chuhe",
            ),
            "menial": ("jharu dene", "ghulami", "bheek mangne", "joote saaf karne"),
        },
    ),
    "ur": (
        (
            "{target} {mod}{insult} ہے",
            "یہ {insult} {target} کب جائے گا؟",
            "{insult} {target}، جواب دے",
            "او {insult}، پہلے اپنی شکل دیکھ",
            "تم جیسا {insult} اس عہدے کے لائق نہیں",
            "{target} کی عقل گھاس چرنے گئی ہے، {insult} کہیں کا",
            "{target} کے دماغ میں بھوسا بھرا ہے",
            "چپ کر {insult}، تیری بات کون سنتا ہے",
            "تم سب {insult} ہو، تم سے کوئی امید نہیں",
            "{target} جیسے {insult} کو کرسی پر کس نے بٹھایا؟",
            "تیری {relative} بھی تیری طرح {insult_any} ہوگی",
            "{target} کی {relative} محلے میں منہ چھپاتی پھرتی ہوگی",
            "اپنی {relative} سے پوچھ تو کتنا {insult} ہے",
            "تیرا باپ بھی {insult} تھا اور تو اس سے بھی بڑا {insult} ہے",
            "{harm}",
            "{target}، {harm}",
            "اللہ کرے تم {disaster}",
            "تمہیں {disease} ہو جائے",
            "{target} ذرا سنبھل کر رہنا",
            "تمہارے گھر کا راستہ ہمیں آتا ہے {target}",
            "{target} اپنا خیال رکھنا، آج کل حادثے بہت ہوتے ہیں",
            "رات کو اکیلے باہر نکلنے سے پہلے سوچ لینا",
            "ہم تمہیں دیکھ لیں گے {target}",
            "ایسا سبق سکھائیں گے کہ نسلیں یاد رکھیں گی",
            "اپنی خیر چاہتے ہو تو کل تک استعفیٰ دے دو",
            "زیادہ بولو گے تو انجام برا ہوگا",
            "{women} گھر کی چار دیواری میں رہیں، {public} مردوں کا کام ہے",
            "{women} کو {public_obl} کا کوئی حق نہیں",
            "{women} کی عقل آدھی ہوتی ہے، ان سے {topic} کیا سنبھلے گا",
            "عورت کو {role} بنا دیا، اب شہر کا یہی حال ہوگا",
            "کسی مرد کو بھیجو، عورت کیا جانے {topic}",
            "جو {women_dir} {public_obl} جاتی ہیں وہ بے حیا ہیں",
            "{group} {vermin} ہیں",
            "{group} {vermin} کی طرح پھیل رہے ہیں",
            "{group} کو {menial} کے سوا کوئی کام نہ دو",
            "{group} میں نہ عقل ہے نہ غیرت",
            "{group} پر بھروسہ مت کرو، یہ سب دھوکے باز ہیں",
            "{group} کا بائیکاٹ کرو، ان سے کوئی لین دین نہیں",
            "{group} کو اس شہر سے بھگاؤ",
        ),
        {
            "target": (
                "میئر",
                "وزیر",
                "یہ کونسلر",
                "ایس ایچ او",
                "ڈی سی",
                "چیئرمین",
                "یہ افسر",
                "ایم پی اے",
                "پٹواری",
                "یہ ایم این اے",
                "تحصیلدار",
                "یہ ٹھیکیدار",
            ),
            "mod": ("", "ایک نمبر کا ", "پرلے درجے کا ", "پکا ", "سب سے بڑا "),
            "insult": (
                "جاہل",
                "نکما",
                "نالائق",
                "بھکاری",
                "گدھا",
                "الو",
                "بندر",
                "کیڑا",
                "مکار",
                "جھوٹا",
                "لٹیرا",
                "ڈاکو",
                "بے شرم",
                "بے حیا",
                "منحوس",
                "کم ظرف",
                "گھٹیا",
                "ٹھگ",
                "فراڈیا",
                "خبیث",
                "مردود",
                "چمچہ",
                "بزدل",
                "گیدڑ",
                "بدمعاش",
            ),
            "relative": ("ماں", "بیوی", "بہن", "بیٹی", "ساس", "نانی"),
            "insult_any": (
                "بے شرم",
                "بے حیا",
                "منحوس",
                "کم ظرف",
                "گھٹیا",
                "مکار",
                "جاہل",
                "بزدل",
                "خبیث",
                "مردود",
            ),
            "women_dir": ("عورتیں", "لڑکیاں", "خواتین"),
            "public_obl": (
                "ووٹ ڈالنے",
                "سیاست کرنے",
                "نوکری کرنے",
                "کونسل میں بولنے",
                "گاڑی چلانے",
                "الیکشن لڑنے",
            ),
            "harm": (
                "چلو بھر پانی میں ڈوب مرو",
                "دریا میں کود جاؤ",
                "جہنم میں جاؤ",
                "دفع ہو جاؤ",
                "مر کیوں نہیں جاتے",
                "تمہیں موت کیوں نہیں آتی",
                "کسی گٹر میں گر کر مر جاؤ",
                "خدا تمہیں غارت کرے",
                "تمہارا بیڑا غرق ہو",
                "تمہاری قبر میں کیڑے پڑیں",
            ),
            "disaster": (
                "کسی حادثے میں مر جاؤ",
                "بستر سے نہ اٹھ سکو",
                "سڑک پر بھیک مانگو",
                "تمہارے گھر کو آگ لگ جائے",
                "تمہاری نسل ختم ہو جائے",
                "کیڑے پڑ پڑ کر مرو",
            ),
            "disease": ("کینسر", "فالج", "کوڑھ", "ٹی بی"),
            "women": ("عورتوں", "خواتین", "لڑکیوں", "عورت ذات"),
            "domestic": ("گھر سنبھالنا", "روٹی پکانا", "بچے پالنا", "برتن دھونا"),
            "public": (
                "سیاست",
                "ووٹ ڈالنا",
                "افسری",
                "نوکری",
                "کونسل میں بیٹھنا",
                "جلسے میں بولنا",
                "گاڑی چلانا",
            ),
            "role": ("ڈپٹی کمشنر", "میئر", "ایس پی", "وزیر", "چیئرپرسن", "جج"),
            "topic": ("سڑکوں کا کام", "بجٹ", "پولیس کا نظام", "نکاسی آب", "زمین کا ریکارڈ"),
            "group": (
                "ہندو",
                "عیسائی",
                "احمدی",
                "شیعہ",
                "سکھ",
                "پٹھان",
                "بلوچ",
                "سندھی",
                "پنجابی",
                "مہاجر",
                "ہزارہ",
                "افغانی",
                "خواجہ سرا",
            ),
            "vermin": (
                "کیڑے مکوڑے",
                "دیمک",
                "ناسور",
                "گندگی",
                "بوجھ",
                "بیماری",
                "زہر",
                "جراثیم",
                "طاعون",
                "کچرا",
                "ٹڈی دل",
                "چوہے",
            ),
            "menial": ("جھاڑو دینے", "غلامی", "بھیک مانگنے", "جوتے صاف کرنے"),
        },
    ),
}


def _merge(
    *rounds: tuple[Sequence[str], Mapping[str, Sequence[str]]],
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Frames of every round in order; slot values of the same name pooled."""
    frames: tuple[str, ...] = ()
    merged: dict[str, tuple[str, ...]] = {}
    for round_frames, round_slots in rounds:
        frames += tuple(round_frames)
        for key, values in round_slots.items():
            merged[key] = merged.get(key, ()) + tuple(values)
    return frames, merged


_TABLES: dict[str, tuple[Sequence[str], Mapping[str, Sequence[str]], Sequence[str]]] = {
    "en": (
        *_merge(
            (_EN_FRAMES, _EN),
            (_EN_FRAMES_2, _EN_2),
            (_EN_FRAMES_3, _EN_3),
            (harassment.CLEAN_FRAMES["en"], {}),
        ),
        _EN_ABUSE,
    ),
    "ur-Latn": (
        *_merge(
            (_UL_FRAMES, _UL),
            (_UL_FRAMES_2, _UL_2),
            (_UL_FRAMES_3, _UL_3),
            (harassment.CLEAN_FRAMES["ur-Latn"], {}),
        ),
        _UL_ABUSE,
    ),
    "ur": (
        *_merge(
            (_UR_FRAMES, _UR),
            (_UR_FRAMES_2, _UR_2),
            (_UR_FRAMES_3, _UR_3),
            (harassment.CLEAN_FRAMES["ur"], {}),
        ),
        _UR_ABUSE,
    ),
}
# Every VALIDATION_EVERY-th frame is kept out of training and only used for the
# synthetic civic validation split (``civic_rows(..., part="validation")``): its
# friction estimates how the model does on *phrasings it has not seen*.
VALIDATION_EVERY = 6
_EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"
HELD_OUT_CIVIC = _EVALUATION / "civic_questions.csv"
# Written after round two, before round three, by someone who had not seen the
# round-three templates; never used for tuning (see docs/moderation-pipeline.md).
HELD_OUT_CIVIC_FRESH = _EVALUATION / "civic_questions_holdout.csv"
# Written in round four by someone who had read none of the templates, lexicons or
# the two sets above; frozen before any round-four change was measured on it.
HELD_OUT_CIVIC_ROUND_FOUR = _EVALUATION / "civic_questions_fresh.csv"
# The same, written again after civic_questions_fresh.csv had been measured twice;
# frozen before the final round-four model was evaluated on it (once).
HELD_OUT_CIVIC_ROUND_FIVE = _EVALUATION / "civic_questions_round5.csv"
# Written at the start of round five, by the same brief, before any round-five
# change; measured only on the round's final model.
HELD_OUT_CIVIC_ROUND_SIX = _EVALUATION / "civic_questions_round6.csv"
# Written blind in round six, after round6 had been measured and read; measured once,
# on a round-six model, then read.
HELD_OUT_CIVIC_ROUND_SEVEN = _EVALUATION / "civic_questions_round7.csv"
# Written blind in round six after round7 had been measured and read; measured only
# on round six's final model.
HELD_OUT_CIVIC_ROUND_EIGHT = _EVALUATION / "civic_questions_round8.csv"
# Written blind in round seven (its brief also named threats through family and
# daily routes, sexual insinuation, contempt for disabled and transgender people
# and harassment of other participants), committed before anything was measured
# on it; measured only on round seven's final model.
HELD_OUT_CIVIC_ROUND_NINE = _EVALUATION / "civic_questions_round9.csv"
# Written blind in round eight, one language per writer, by a brief of its own
# (80 clean + 40 abusive), while other writers wrote the hand-written training
# questions (moderation/corpus); committed before anything was measured on it.
HELD_OUT_CIVIC_ROUND_TEN = _EVALUATION / "civic_questions_round10.csv"
# The same brief again, written after round10 had been measured once; committed
# before anything was measured on it.
HELD_OUT_CIVIC_ROUND_ELEVEN = _EVALUATION / "civic_questions_round11.csv"
# The same brief again, written after round11 had been measured once, while the
# last hand-written training questions were being written; committed before
# anything was measured on it.
HELD_OUT_CIVIC_ROUND_TWELVE = _EVALUATION / "civic_questions_round12.csv"
HELD_OUT_FILES = (
    HELD_OUT_CIVIC,
    HELD_OUT_CIVIC_FRESH,
    HELD_OUT_CIVIC_ROUND_FOUR,
    HELD_OUT_CIVIC_ROUND_FIVE,
    HELD_OUT_CIVIC_ROUND_SIX,
    HELD_OUT_CIVIC_ROUND_SEVEN,
    HELD_OUT_CIVIC_ROUND_EIGHT,
    HELD_OUT_CIVIC_ROUND_NINE,
    HELD_OUT_CIVIC_ROUND_TEN,
    HELD_OUT_CIVIC_ROUND_ELEVEN,
    HELD_OUT_CIVIC_ROUND_TWELVE,
)
NEAR_DUPLICATE_JACCARD = 0.5
# Share of the abusive rows built from round-three constructions, per language;
# of the rest, 30 % are group hate/threat frames (``_HATE``) and 70 % a listed
# insult spliced into a civic question (the round-two mix). Roman Urdu was 0 in
# round three: its constructions (tum/tera/jao/kare) are everyday words in the
# tweets, and shares 0.15 / 0.3 raised RUHSOLD @test friction by 6-8 points. In
# round four the Roman Urdu model is trained with Naive Bayes feature weighting
# (training.DEFAULT_WEIGHTINGS), which keeps those words from carrying the
# constructions' weight: share 0.55 then (before contrast rows, below) moved
# RUHSOLD train@test / validation@test friction from 30.3 / 30.3 % (the
# round-three model) to 31.6 / 28.8 %, the civic set to 0 % leak / 5.9 %
# friction, and the round-three held-out set's leak from 28.6 % to 11.4 %
# (friction 7.1 -> 12.9 %). See docs/moderation-pipeline.md.
CONSTRUCTION_SHARE: dict[str, float] = {"en": 0.55, "ur": 0.55, "ur-Latn": 0.55}
HATE_OF_REST = 0.3


def _fill(frame: str, slots: Mapping[str, Sequence[str]], rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in slots.items()}
    text = frame.format(**values)
    return text[0].upper() + text[1:] if text[:1].isascii() else text


def _shingles(text: str) -> frozenset[str]:
    key = " " + " ".join(fold(sanitize(text)).split()) + " "
    return frozenset(key[i : i + 4] for i in range(max(1, len(key) - 3)))


class NearDuplicateGuard:
    """Flags texts whose character-4-gram Jaccard with a reference text is high."""

    def __init__(self, reference: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD):
        self.threshold = threshold
        self.index: dict[str, list[int]] = {}
        self.sizes: list[int] = []
        for i, text in enumerate(reference):
            grams = _shingles(text)
            self.sizes.append(len(grams))
            for gram in grams:
                self.index.setdefault(gram, []).append(i)

    def similarity(self, text: str) -> float:
        """Highest Jaccard similarity with any reference text (0 if none)."""
        grams = _shingles(text)
        shared: dict[int, int] = {}
        for gram in grams:
            for i in self.index.get(gram, ()):
                shared[i] = shared.get(i, 0) + 1
        best = 0.0
        for i, n in shared.items():
            best = max(best, n / (len(grams) + self.sizes[i] - n))
        return best

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.similarity(text) >= self.threshold


@lru_cache(maxsize=4)
def held_out_guard(lang: str) -> NearDuplicateGuard:
    """Guard against every hand-written held-out civic question of ``lang`` (files present)."""
    texts: list[str] = []
    for path in HELD_OUT_FILES:
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as fh:
                texts += [r["text"] for r in csv.DictReader(fh) if r.get("lang") == lang]
    return NearDuplicateGuard(texts)


# A construction that insults "{target}" teaches the model the target's title as
# much as the insult: with constructions on, Roman Urdu questions *about* a patwari
# or a thekedar were held. For each such construction row, a clean row addresses or
# mentions the same official politely (``CONTRAST_SOURCE``), so the title itself
# carries no weight. Demonstratives ("ye afsar", "this officer") are dropped: they
# are part of the contempt, not of the title.
_CONTRAST_FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Dear {target}, {base}",
        "A question for the {target}: {base}",
        "{base} Could the {target} answer this, please?",
        "I went to the {target}'s office twice. {base}",
    ),
    "ur": (
        "{target} صاحب، {base}",
        "{target} سے سوال ہے: {base}",
        "{base} {target} صاحب اس کا جواب دیں۔",
        "میں دو بار {target} کے دفتر گیا۔ {base}",
    ),
    "ur-Latn": (
        "{target} sahab, {base}",
        "{target} se sawal hai: {base}",
        "{base} {target} sahab is ka jawab dein.",
        "Main do dafa {target} ke daftar gaya. {base}",
    ),
}
_DEMONSTRATIVE = re.compile(r"^(?:ye|yeh|this|یہ)\s+", re.IGNORECASE)


def contrast_target(target: str) -> str:
    """The official's title without a contemptuous demonstrative ("ye afsar" -> "afsar")."""
    return _DEMONSTRATIVE.sub("", target)


def _abuse_constructions(lang: str) -> tuple[Sequence[str], Mapping[str, Sequence[str]]]:
    """Round-three and round-seven (``augment_harassment``) abusive constructions.

    Used by both parts, with their slots.

    Not split by ``VALIDATION_EVERY`` like the frames: tried, the synthetic
    validation split then held constructions the model had never seen, the
    calibration lowered the hold threshold to reach 5 % leak on them (Urdu:
    0.94 -> 0.69) and the clean civic validation friction rose to 20 %.
    Unseen phrasings of abuse are measured on civic_questions_holdout.csv.
    """
    return _merge(_ABUSE_3[lang], harassment.ABUSE[lang])


def civic_rows(
    lang: str,
    n_clean: int,
    n_abusive: int,
    seed: int = 13,
    part: Literal["train", "validation"] = "train",
    guard: NearDuplicateGuard | None = None,
) -> list[Row]:
    """``n_clean`` clean and ``n_abusive`` abusive synthetic questions (deterministic).

    ``part="train"`` uses all frames but every ``VALIDATION_EVERY``-th;
    ``part="validation"`` only those. Each abusive construction aimed at an official
    also yields a clean contrast row about the same official (``_CONTRAST_FRAMES``),
    on top of ``n_clean``. Sentences that near-duplicate a held-out
    civic question (``guard``, default: ``held_out_guard(lang)``) are dropped.
    """
    if lang not in _TABLES:
        return []
    frames_all, slots, abuse = _TABLES[lang]
    chosen = [
        f
        for i, f in enumerate(frames_all)
        if (i % VALIDATION_EVERY == VALIDATION_EVERY - 1) == (part == "validation")
    ]
    groups, hate_frames, _ = _HATE[lang]
    guard = held_out_guard(lang) if guard is None else guard
    # Reproducible sampling for training data, not a security use.
    rng = random.Random(f"{seed}:{lang}:{part}")  # noqa: S311
    seen: set[str] = set()
    rows: list[Row] = []
    attempts = 0
    while len(rows) < n_clean and attempts < n_clean * 20:
        attempts += 1
        text = _casual(_fill(rng.choice(chosen), slots, rng), lang, rng)
        if text not in seen:
            seen.add(text)
            if text in guard:
                continue
            rows.append(Row(text, 0, lang, SOURCE))
    sep = "، " if lang == "ur" else ", "
    constructions, construction_slots = _abuse_constructions(lang)
    rest = 1.0 - CONSTRUCTION_SHARE.get(lang, 0.0)
    contrast: list[Row] = []
    n_made = 0
    attempts = 0
    while n_made < n_abusive and attempts < n_abusive * 20:
        attempts += 1
        base = _fill(rng.choice(chosen), slots, rng)
        roll = rng.random()
        source = SOURCE
        if roll < rest * HATE_OF_REST:
            # Group hate or a threat on its own, or after a civic question.
            hate = rng.choice(hate_frames).format(g=rng.choice(groups))
            text = hate if rng.random() < 0.5 else f"{base} {hate}"
        elif roll < rest:
            insult = rng.choice(abuse)
            text = f"{insult}{sep}{base}" if rng.random() < 0.5 else f"{base} {insult}"
        else:
            # An insult, wish of harm, veiled threat, sexist or dehumanising claim
            # made of ordinary words: alone, before or after a civic question.
            construction = rng.choice(constructions)
            target = rng.choice(construction_slots.get("target", ("",)))
            built = _fill(construction, {**construction_slots, "target": (target,)}, rng)
            source = CONSTRUCTION_SOURCE
            if "{target}" in construction and lang in _CONTRAST_FRAMES:
                polite = rng.choice(_CONTRAST_FRAMES[lang]).format(
                    target=contrast_target(target), base=_fill(rng.choice(chosen), slots, rng)
                )
                polite = _casual(polite[0].upper() + polite[1:], lang, rng)
                if polite not in guard and polite not in seen:
                    seen.add(polite)
                    contrast.append(Row(polite, 0, lang, CONTRAST_SOURCE))
            where = rng.random()
            text = (
                built
                if where < 0.5
                else f"{built}{sep}{base}"
                if where < 0.7
                else f"{base} {built}"
            )
        text = _casual(text, lang, rng)
        if text in guard:
            continue
        rows.append(Row(text, 1, lang, source))
        n_made += 1
    return rows + contrast
