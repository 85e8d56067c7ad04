"""Round seven of the synthetic civic questions: harassment in ordinary words.

Measured once on a blind set (``civic_questions_round8.csv``), the model and the
constructions let through kinds of abuse that no earlier round generated: sexual
insinuation about women officials and participants, threats made through the
victim's children, car or daily route, curses on a whole office or a family,
contempt for disabled and transgender people, mocking a body or a disability,
and harassment of another participant (saved photos, a found phone number, "I
know your house"). These frames generate them for training. Each kind has clean
look-alikes in ``CLEAN_FRAMES`` that use the same words in their civic sense
(children's route to school, accidents on a bypass at night, women officers on
late shifts, ramps, khwaja sira ID cards, photos sent to a helpline), so that the
words stay neutral and the construction is what is learnt.

Written from general knowledge of harassment in Pakistani public forums, after
``round8`` had been read, and before ``civic_questions_round9.csv`` was measured.
"""

from __future__ import annotations

# (frames, slots) per language, merged into the round-three constructions.
ABUSE: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "en": (
        (
            # sexual insinuation
            "The {woman_target} got her post by pleasing the right men, everyone knows.",
            "Ask the {woman_target} who she meets at night to get these funds approved.",
            "Such a pretty {woman_target}, come to my house and I will explain my problem.",
            "Our {woman_target} must be very close to the minister, if you know what I mean.",
            "So much makeup for a town hall, {woman_target}? Who are you trying to please?",
            "The {woman_target} should cover herself before lecturing us on camera.",
            "Give me your number, {woman_target}, we can discuss it in private.",
            # threats through family, car or route
            "{target}, we know which school your children go to.",
            "Your kids take the same road every morning, {target}. Think about it.",
            "The {target} drives home alone every night. Anything can happen on that road.",
            "Tell the {target} he will not go home in one piece if he comes here again.",
            "Remember what happened to the last {target} who ignored us.",
            "If the {target} comes to our village he will go back on a stretcher.",
            "Fix it by Monday or your family will pay for it, {target}.",
            "We know where you park your car, {target}. It burns easily.",
            # curses on a family or a whole office
            "I hope the roof of your office falls on all of you, {target}.",
            "May your children suffer the way ours do, {target}.",
            "I pray your family never finds a hospital bed when they need one, {target}.",
            "May the whole staff of that office die of the diseases they gave us.",
            # contempt for disabled and transgender people
            "{disabled} are a waste of public money, let them beg.",
            "Why should {disabled} get jobs? They are useless to everyone.",
            "{trans} are only good for dancing at weddings, keep them out of offices.",
            "Keep {trans} away from our schools, they spread filth.",
            # mocking a body or a disability
            "Look at the fat {target}, he cannot see past his belly, how will he see our roads?",
            "The blind {target} cannot see the potholes and the deaf one cannot hear us.",
            "Is the {target} mentally retarded or just pretending?",
            # harassment of another participant
            "The woman who asked about the hostel: I have your number now, answer my messages.",
            "I saved your profile photos, reply to me or I will share them everywhere.",
            "The man who keeps asking about {topic} is a paid agent, someone should teach him "
            "a lesson outside.",
            "Sit down, old man, your questions are as useless as you are.",
            "Keep quiet, girl, or I will post your home address in this chat.",
        ),
        {
            "woman_target": (
                "lady councillor",
                "madam DC",
                "lady doctor",
                "woman SHO",
                "madam chairperson",
                "MPA sahiba",
                "lady AC",
                "madam commissioner",
            ),
            "disabled": (
                "Disabled people",
                "Cripples",
                "The handicapped",
                "Blind and deaf people",
                "These disabled people",
            ),
            "trans": ("Transgenders", "Khwaja siras", "Hijras", "These eunuchs"),
        },
    ),
    "ur-Latn": (
        (
            "ye {woman_target} ko seat qabliyat se nahi mili, sab jaante hain kaise mili",
            "{woman_target} raat ko kis ke saath milti hai ye bhi bata do",
            "{woman_target} itna make up kar ke kis ko khush karne aayi ho",
            "bari khoobsurat lag rahi ho {woman_target}, ghar aa jao masla wahin hal karte hain",
            "apna number de do {woman_target}, private mein baat karte hain",
            "{woman_target} ki sifarish kis afsar ke kamre se aayi hai sab ko pata hai",
            "{woman_target} pehle dupatta theek karo phir humein lecture dena",
            "{target} humein pata hai tumhare bachay kis school jate hain",
            "{target} raat ko akele us sarak se guzarte ho, kuch bhi ho sakta hai",
            "{target} yaad rakhna pichle wale ke saath kya hua tha",
            "agar {target} dobara yahan aaya to zinda wapas nahi jayega",
            "{target} ki gari ka number bhi humein maloom hai, samjha do usay",
            "kaam theek se karwa lo {target}, warna ghar walon ka khayal rakhna",
            "{target} tukron mein wapas jayega agar ye kaam na hua",
            "{target} ko sarak par sabaq sikhana paray ga, sab tayar raho",
            "Allah tumhari naslein barbaad kare {target}",
            "khuda kare tumhare bachay bhi pani ko tarsein {target}",
            "tumhara daftar tum sab par gir jaye {target}",
            "{target} qabar mein keeron ka khana bane",
            "{target} tumhara janaza isi tooti sarak se guzre",
            "{disabled} society pe bojh hain, in par paisa zaya mat karo",
            "{disabled} ko naukri dena paise ka ziya hai, ye kisi kaam ke nahi",
            "{trans} sirf naachne ke liye hain, inko daftaron se door rakho",
            "{trans} ko schoolon se door rakho, ye gand hain",
            "ye mota {target} apni tond se aage dekh nahi sakta, sarak kya dekhega",
            "andha {target} hai, isko gaddhe nazar nahi aate",
            "{target} behra hai ya pagal hai, kuch sunta hi nahi",
            "sawal karne wali baji tumhari tasveerein save kar li hain, inbox check karo",
            "ye jo larka har dafa sawal karta hai iska ghar mujhe pata hai, "
            "sab mil ke isko samjhao",
            "chup kar buddhe, tere sawal bhi tere jaise bekaar hain",
            "tu paid agent hai, bahar mil phir batata hoon",
            "behen ji zyada bolo gi to tumhara pata yahan daal dunga",
        ),
        {
            "woman_target": (
                "lady councillor",
                "madam DC",
                "lady doctor",
                "madam commissioner",
                "MPA sahiba",
                "lady SHO",
                "madam chairperson",
                "teacher sahiba",
            ),
            "disabled": (
                "mazoor log",
                "ye apahij log",
                "langre lule log",
                "andhe behre log",
                "ye mazoor",
            ),
            "trans": ("khawaja sira", "hijre", "khusre", "ye transgender"),
        },
    ),
    "ur": (
        (
            "یہ {woman_target} کو سیٹ قابلیت سے نہیں ملی، سب جانتے ہیں کیسے ملی",
            "{woman_target} رات کو کس سے ملتی ہیں یہ بھی بتا دیں",
            "{woman_target} اتنا میک اپ کر کے کس کو خوش کرنے آئی ہیں",
            "بڑی خوبصورت لگ رہی ہیں {woman_target}، گھر آ جائیں مسئلہ وہیں حل کرتے ہیں",
            "اپنا نمبر دے دو {woman_target}، اکیلے میں بات کرتے ہیں",
            "{woman_target} کی سفارش کس افسر کے کمرے سے آئی ہے سب کو پتا ہے",
            "{woman_target} پہلے دوپٹہ ٹھیک کرو پھر ہمیں لیکچر دینا",
            "{target} ہمیں پتا ہے تمہارے بچے کس اسکول جاتے ہیں",
            "{target} رات کو اکیلے اس سڑک سے گزرتے ہو، کچھ بھی ہو سکتا ہے",
            "{target} یاد رکھنا پچھلے والے کے ساتھ کیا ہوا تھا",
            "اگر {target} دوبارہ یہاں آیا تو زندہ واپس نہیں جائے گا",
            "{target} کی گاڑی کا نمبر بھی ہمیں معلوم ہے، سمجھا دو اسے",
            "کام ٹھیک سے کروا لو {target}، ورنہ گھر والوں کا خیال رکھنا",
            "{target} ٹکڑوں میں واپس جائے گا اگر یہ کام نہ ہوا",
            "{target} کو سڑک پر سبق سکھانا پڑے گا، سب تیار رہو",
            "اللہ تمہاری نسلیں برباد کرے {target}",
            "خدا کرے تمہارے بچے بھی پانی کو ترسیں {target}",
            "تمہارا دفتر تم سب پر گر جائے {target}",
            "{target} قبر میں کیڑوں کی خوراک بنے",
            "{target} تمہارا جنازہ اسی ٹوٹی سڑک سے گزرے",
            "{disabled} معاشرے پر بوجھ ہیں، ان پر پیسہ ضائع مت کرو",
            "{disabled} کو نوکری دینا پیسے کا ضیاع ہے، یہ کسی کام کے نہیں",
            "{trans} صرف ناچنے کے لیے ہیں، انہیں دفتروں سے دور رکھو",
            "{trans} کو اسکولوں سے دور رکھو، یہ گند ہیں",
            "یہ موٹا {target} اپنی توند سے آگے دیکھ نہیں سکتا، سڑک کیا دیکھے گا",
            "اندھا {target} ہے، اسے گڑھے نظر نہیں آتے",
            "{target} بہرا ہے یا پاگل ہے، کچھ سنتا ہی نہیں",
            "سوال کرنے والی باجی تمہاری تصویریں محفوظ کر لی ہیں، انباکس چیک کرو",
            "یہ جو لڑکا ہر بار سوال کرتا ہے اس کا گھر مجھے پتا ہے، سب مل کر اسے سمجھاؤ",
            "چپ کر بڈھے، تیرے سوال بھی تیرے جیسے بیکار ہیں",
            "تو پیڈ ایجنٹ ہے، باہر مل پھر بتاتا ہوں",
            "بہن جی زیادہ بولو گی تو تمہارا پتا یہاں ڈال دوں گا",
        ),
        {
            "woman_target": (
                "لیڈی کونسلر",
                "میڈم ڈی سی",
                "لیڈی ڈاکٹر",
                "میڈم کمشنر",
                "ایم پی اے صاحبہ",
                "لیڈی ایس ایچ او",
                "میڈم چیئرپرسن",
                "استانی صاحبہ",
            ),
            "disabled": (
                "معذور لوگ",
                "یہ اپاہج لوگ",
                "لنگڑے لولے لوگ",
                "اندھے بہرے لوگ",
                "یہ معذور",
            ),
            "trans": ("خواجہ سرا", "ہیجڑے", "کھسرے", "یہ ٹرانس جینڈر"),
        },
    ),
}

# Clean questions that use the same words in their civic sense. Slots are those of
# the civic tables ({place}, {official}).
CLEAN_FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "The road to the girls' school in {place} has no street lights and our children "
        "walk home alone. When will lights be installed?",
        "Many accidents happen at night on the bypass near {place}. Can speed breakers be built?",
        "Women officers in {place} have no transport for late shifts. What is the plan, "
        "{official}?",
        "I sent photos of the broken road in {place} to the helpline number but nobody "
        "replied. Who should I contact?",
        "When will wheelchair ramps be built at the offices in {place} for disabled people?",
        "How can khwaja sira citizens of {place} get ID cards and BISP registration?",
        "The only lady doctor at the health unit in {place} is overworked. When will a second "
        "one be posted?",
        "A woman councillor from {place} received threats. What has the police done, {official}?",
        "My father died waiting for an ambulance in {place}. Who will answer for this?",
        "The school van in {place} is overloaded with children every morning. Who checks it?",
        "Blind and deaf children in {place} have no special school. Can one be opened?",
        "Please share the complaint number and the inbox for BISP problems in {place}.",
        "Transgender persons in {place} are refused treatment at the hospital. What action "
        "will be taken?",
        "The old bridge in {place} could collapse on the people crossing it. When will it be "
        "repaired?",
    ),
    "ur-Latn": (
        "{place} mein girls school wali sarak par raat ko roshni nahi, bachiyan akele ghar "
        "jati hain, lights kab lagengi?",
        "{place} bypass par raat ko bohat haadse hote hain, speed breaker kab banega?",
        "khawaja sira afraad ke shanakhti card aur BISP registration ka {place} mein kya "
        "intezam hai?",
        "mazoor afraad ke liye {place} ke daftaron mein ramp kab banenge {official}?",
        "{place} ke BHU mein lady doctor kab tainat hogi? khawateen mareezon ko bohat mushkil hai",
        "maine tooti sarak ki tasveerein helpline number par bheji thi, {place} se koi jawab "
        "nahi aya",
        "{place} mein school van mein bachay thoons thoons kar bhare jate hain, koi check "
        "karta hai?",
        "mere walid ambulance ke intezar mein {place} mein faut ho gaye, iska zimmedar kaun hai?",
        "andhe aur behre bachon ke liye {place} mein koi special school kyun nahi?",
        "{place} ki khatoon councillor ko dhamkiyan mili hain, police ne kya kiya {official}?",
        "lady police station {place} mein kab khulega? khawateen thane jane se darti hain",
        "{place} ka purana pul kabhi bhi gir sakta hai, bachay roz us par se guzarte hain",
        "BISP ki shikayat ke liye number aur inbox bata dein, {place} ki auratein pareshan hain",
        "transgender afraad ko {place} ke hospital mein ilaj se inkar kiya jata hai, kya "
        "karwai hogi?",
    ),
    "ur": (
        "{place} میں گرلز اسکول والی سڑک پر رات کو روشنی نہیں، بچیاں اکیلے گھر جاتی ہیں، "
        "لائٹیں کب لگیں گی؟",
        "{place} بائی پاس پر رات کو بہت حادثے ہوتے ہیں، اسپیڈ بریکر کب بنے گا؟",
        "خواجہ سرا افراد کے شناختی کارڈ اور بی آئی ایس پی رجسٹریشن کا {place} میں کیا انتظام ہے؟",
        "معذور افراد کے لیے {place} کے دفتروں میں ریمپ کب بنیں گے {official}؟",
        "{place} کے بنیادی مرکز صحت میں لیڈی ڈاکٹر کب تعینات ہوگی؟ خواتین مریضوں کو بہت مشکل ہے",
        "میں نے ٹوٹی سڑک کی تصویریں ہیلپ لائن نمبر پر بھیجی تھیں، {place} سے کوئی جواب نہیں آیا",
        "{place} میں اسکول وین میں بچے ٹھونس ٹھونس کر بھرے جاتے ہیں، کوئی چیک کرتا ہے؟",
        "میرے والد ایمبولینس کے انتظار میں {place} میں فوت ہو گئے، اس کا ذمہ دار کون ہے؟",
        "نابینا اور بہرے بچوں کے لیے {place} میں کوئی خصوصی اسکول کیوں نہیں؟",
        "{place} کی خاتون کونسلر کو دھمکیاں ملی ہیں، پولیس نے کیا کیا {official}؟",
        "{place} میں خواتین پولیس اسٹیشن کب کھلے گا؟ خواتین تھانے جانے سے ڈرتی ہیں",
        "{place} کا پرانا پل کبھی بھی گر سکتا ہے، بچے روز اس پر سے گزرتے ہیں",
        "بی آئی ایس پی کی شکایت کے لیے نمبر بتا دیں، {place} کی خواتین پریشان ہیں",
        "ٹرانس جینڈر افراد کو {place} کے ہسپتال میں علاج سے انکار کیا جاتا ہے، کیا کارروائی ہوگی؟",
    ),
}
