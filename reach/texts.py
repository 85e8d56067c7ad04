"""What we text back, in English, Urdu and Roman Urdu.

SMS replies are not Django translations: Roman Urdu is not a Django locale, and
every text here is written to fit one or two SMS. Keep the Roman Urdu and
English in GSM-7 (no curly quotes or dashes) so they cost one part, not three.
"""

from __future__ import annotations

from typing import Any

from reach.commands import EN, ROMAN, UR

TEXTS: dict[str, dict[str, str]] = {
    "help": {
        EN: "Townhall: JOIN <code> to take part. Then text your question. "
        "TOP lists questions, VOTE <number> supports one. STOP ends messages, "
        "DELETE erases your data.",
        ROMAN: "Townhall: SHAMIL <code> likh kar shamil hon. Phir apna sawal bhejein. "
        "TOP se sawal dekhein, VOTE <number> se hamayat karein. BAND se paighamat band, "
        "DELETE se data khatam.",
        UR: "ٹاؤن ہال: شامل <کوڈ> لکھ کر شامل ہوں۔ پھر اپنا سوال بھیجیں۔ TOP سے سوال دیکھیں، "
        "ووٹ <نمبر> سے حمایت کریں۔ بند سے پیغامات بند، DELETE سے ڈیٹا ختم۔",
    },
    "joined": {
        EN: 'You joined "{title}" as {name}. Text your question now. TOP lists questions, '
        "VOTE <number> supports one. Your number is never shown.",
        ROMAN: 'Aap "{title}" mein {name} ke naam se shamil hain. Ab apna sawal bhejein. '
        "Aap ka number kisi ko nahi dikhaya jata.",
        UR: 'آپ "{title}" میں {name} کے نام سے شامل ہیں۔ اب اپنا سوال بھیجیں۔ '
        "آپ کا نمبر کسی کو نہیں دکھایا جاتا۔",
    },
    "no_session": {
        EN: "No town hall has the code {code}. Check the code and send JOIN <code>.",
        ROMAN: "Code {code} ka koi townhall nahi. Code check kar ke SHAMIL <code> bhejein.",
        UR: "کوڈ {code} کا کوئی ٹاؤن ہال نہیں۔ کوڈ دیکھ کر شامل <کوڈ> بھیجیں۔",
    },
    "join_first": {
        EN: "Send JOIN <code> first to take part in a town hall. HELP for commands.",
        ROMAN: "Pehle SHAMIL <code> bhejein. Madad ke liye MADAD.",
        UR: "پہلے شامل <کوڈ> بھیجیں۔ مدد کے لیے مدد لکھیں۔",
    },
    "received": {
        EN: "Thank you. Your question is with the moderators. We will tell you when it is "
        "published.",
        ROMAN: "Shukriya. Aap ka sawal moderators ke paas hai. Shaya hone par hum batayenge.",
        UR: "شکریہ۔ آپ کا سوال ماڈریٹرز کے پاس ہے۔ شائع ہونے پر ہم بتائیں گے۔",
    },
    "published": {
        EN: "Your question is published as number {number}. Others can support it: VOTE {number}",
        ROMAN: "Aap ka sawal number {number} par shaya ho gaya. Hamayat: VOTE {number}",
        UR: "آپ کا سوال نمبر {number} پر شائع ہو گیا۔ حمایت کے لیے: ووٹ {number}",
    },
    "not_published": {
        EN: "Your question was not published. Reason: {reason}",
        ROMAN: "Aap ka sawal shaya nahi hua. Wajah: {reason}",
        UR: "آپ کا سوال شائع نہیں ہوا۔ وجہ: {reason}",
    },
    "needs_edit": {
        EN: "A moderator asks you to change your question ({reason}). Send it again as a new "
        "message.",
        ROMAN: "Moderator ne sawal badalne ko kaha ({reason}). Naya paigham bhejein.",
        UR: "ماڈریٹر نے سوال بدلنے کو کہا ({reason})۔ نیا پیغام بھیجیں۔",
    },
    "hidden": {
        EN: "Your question was removed from the list. Reason: {reason}",
        ROMAN: "Aap ka sawal list se hata diya gaya. Wajah: {reason}",
        UR: "آپ کا سوال فہرست سے ہٹا دیا گیا۔ وجہ: {reason}",
    },
    "on_stage": {
        EN: 'Your question is on stage now: "{text}"',
        ROMAN: 'Aap ka sawal ab stage par hai: "{text}"',
        UR: 'آپ کا سوال اب اسٹیج پر ہے: "{text}"',
    },
    "answered": {
        EN: "{official} answered your question: {answer}",
        ROMAN: "{official} ne aap ke sawal ka jawab diya: {answer}",
        UR: "{official} نے آپ کے سوال کا جواب دیا: {answer}",
    },
    "answered_live": {
        EN: "{official} answered your question live.{link}",
        ROMAN: "{official} ne aap ke sawal ka jawab live diya.{link}",
        UR: "{official} نے آپ کے سوال کا جواب براہ راست دیا۔{link}",
    },
    "voted": {
        EN: "Your vote for question {number} is counted.",
        ROMAN: "Sawal {number} ke liye aap ka vote gin liya gaya.",
        UR: "سوال {number} کے لیے آپ کا ووٹ گن لیا گیا۔",
    },
    "already_voted": {
        EN: "You already voted for question {number}.",
        ROMAN: "Aap sawal {number} ke liye pehle hi vote de chuke hain.",
        UR: "آپ سوال {number} کے لیے پہلے ہی ووٹ دے چکے ہیں۔",
    },
    "no_such_number": {
        EN: "There is no question {number}. Send TOP for the list.",
        ROMAN: "Sawal {number} nahi mila. List ke liye TOP bhejein.",
        UR: "سوال {number} نہیں ملا۔ فہرست کے لیے TOP بھیجیں۔",
    },
    "top_empty": {
        EN: "No published questions yet.",
        ROMAN: "Abhi koi sawal shaya nahi hua.",
        UR: "ابھی کوئی سوال شائع نہیں ہوا۔",
    },
    "top_header": {EN: "Top questions:", ROMAN: "Aham sawal:", UR: "اہم سوال:"},
    "stopped": {
        EN: "You will get no more messages from Townhall. Send JOIN <code> to take part again.",
        ROMAN: "Ab Townhall se koi paigham nahi aayega. Dobara: SHAMIL <code>",
        UR: "اب ٹاؤن ہال سے کوئی پیغام نہیں آئے گا۔ دوبارہ: شامل <کوڈ>",
    },
    "erased": {
        EN: "Your phone number and messages are deleted from Townhall. Your published "
        "questions stay, without your number.",
        ROMAN: "Aap ka number aur paighamat Townhall se mita diye gaye. Shaya sawal baghair "
        "number ke rahenge.",
        UR: "آپ کا نمبر اور پیغامات ٹاؤن ہال سے مٹا دیے گئے۔ شائع سوال بغیر نمبر کے رہیں گے۔",
    },
    "otp": {
        EN: "Your Townhall code is {code}. It expires in 10 minutes. Do not share it.",
        ROMAN: "Aap ka Townhall code {code} hai. 10 minute mein khatam. Kisi ko na batayein.",
        UR: "آپ کا ٹاؤن ہال کوڈ {code} ہے۔ 10 منٹ میں ختم۔ کسی کو نہ بتائیں۔",
    },
    "error": {
        EN: "Sorry, that did not work: {message}",
        ROMAN: "Maazrat, yeh nahi ho saka: {message}",
        UR: "معذرت، یہ نہیں ہو سکا: {message}",
    },
    "session_closed": {
        EN: "This town hall is not taking questions or votes right now.",
        ROMAN: "Yeh townhall abhi sawal ya vote nahi le raha.",
        UR: "یہ ٹاؤن ہال ابھی سوال یا ووٹ نہیں لے رہا۔",
    },
    "too_fast": {
        EN: "You are sending very fast. Please wait a minute.",
        ROMAN: "Aap bohat tez bhej rahe hain. Ek minute intezar karein.",
        UR: "آپ بہت تیزی سے بھیج رہے ہیں۔ ایک منٹ انتظار کریں۔",
    },
}


def text_for(key: str, language: str, **values: Any) -> str:
    variants = TEXTS[key]
    template = variants.get(language) or variants[EN]
    return template.format(**values)
