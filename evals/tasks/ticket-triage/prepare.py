"""Synthetic support tickets in 8 queues, from a small grammar with noise.

Each ticket: an optional greeting, one or two sentences from its queue's templates, often
a sentence from another queue (customers mention several things), filler, a sign-off.
Templates expand `{a|b|c}` alternatives and named slots, so wording varies; ~12% of words
get a typo (swap, drop or double a letter). Queues overlap on purpose: refund shares
words with billing and cancellation, security with login, bug with feature. The queues are
imbalanced (billing 25% ... security 3%) and 4% of training labels are wrong (triage
mistakes); test labels are clean. Word unigrams miss both the typos and the phrases that
separate the small queues from their big neighbours, and a prior-heavy model rarely
predicts the small queues at all.

The hidden labels also record each test ticket's side-remark queue and whether its main
issue is clear (the subject names it, or two sentences are about it): the grader checks
that a mention in passing does not decide the queue. Recording them draws nothing, so the
public files are the same as before they were recorded.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd

N_TRAIN, N_TEST = 3000, 4000
TYPO_RATE = 0.25
QUEUES = {  # name: share
    "billing": 0.28, "login_access": 0.22, "bug_report": 0.18, "shipping": 0.14,
    "feature_request": 0.09, "cancellation": 0.04, "refund": 0.03, "security": 0.02,
}  # fmt: skip
SLOTS = {
    "product": ["the app", "the dashboard", "the mobile app", "the web portal", "your site"],
    "plan": ["Basic", "Pro", "Team", "Business"],
    "when": ["yesterday", "last week", "on Monday", "this morning", "two days ago", "today"],
    "order": ["order #{n}", "my order {n}", "order no. {n}", "#{n}"],
    "money": ["${d}.99", "{d} dollars", "${d}", "EUR {d}"],
    "acct": ["my account", "our account", "the account", "my profile"],
}
TEMPLATES = {
    "billing": [
        "I was {charged|billed} {money} {when} and the invoice {shows|says} something else",
        "{can you|could you|please} send me {an invoice|a receipt} for the {plan} plan",
        "how do I {update|change} the {credit card|payment method|card} on file",
        "why did my {bill|invoice|monthly charge} go up {this month|again}",
        "I need a {VAT|tax} {receipt|invoice} for my last payment",
        "please change the billing address on {acct}",
        "my payment {failed|was declined} and I {want|need} to pay {again|manually}",
        "is there a discount for {annual|yearly} billing on {plan}",
        "{question|query} about the charges on my {invoice|statement}",
    ],
    "refund": [
        "I was charged twice for {order}, please refund the {duplicate|second} {charge|payment}",
        "I want my money back for {order}",
        "I cancelled {when} but was still charged {money}, {please reverse it|refund please}",
        "{requesting|I request} a refund, {order} never {arrived|came}",
        "please {return|give back} the {money} you took from my card",
        "the charge of {money} was a mistake and {should be|needs to be} refunded",
        "when will I get my refund for {order}",
        "{refund|money back} {not received|still missing} after {a week|ten days}",
    ],
    "cancellation": [
        "please cancel my {plan} subscription",
        "how do I {close|delete} {acct} {for good|permanently}",
        "I do not want to renew, stop the subscription {at the end of the month|now}",
        "we are moving to another {tool|vendor}, please {terminate|end} our contract",
        "{turn off|cancel|disable} the auto renewal please",
        "I would like to cancel {acct} and {plan} plan",
        "unsubscribe me from the {plan} plan, we {no longer need it|stopped using it}",
    ],
    "login_access": [
        "I {can't|cannot|am unable to} {log in|sign in|login} to {product}",
        "the password reset email {never arrives|does not come|is not arriving}",
        "{acct} is locked after too many {attempts|tries}",
        "the {two factor|2FA|verification} code is not accepted",
        "I forgot my {username|login|password} and the reset link {expired|does not work}",
        "the login page keeps saying invalid {credentials|password}",
        "{can't|cannot} access {acct} since {when}",
    ],
    "security": [
        "someone {logged in|signed in} to {acct} from {another country|an unknown location}",
        "I got a {suspicious|strange|phishing} email asking for my password, is it from you",
        "my password was changed {when} and I did not do it",
        "there are {orders|payments} on {acct} that I did not {place|make}",
        "I think {acct} was {hacked|compromised}",
        "{an unknown|a new} device {signed in|logged in} to {acct} {when}",
        "{please lock|lock} {acct}, someone else is using it",
    ],
    "bug_report": [
        "{product} {crashes|freezes|hangs} when I open the {reports|settings|orders} page",
        "the {export|save|upload} button does {nothing|not work}",
        "I get {an error 500|an error|a blank page} when {saving|exporting|uploading}",
        "since the {last|latest} update {the page is blank|nothing loads|it is very slow}",
        "the charts show {wrong numbers|nothing} after the update",
        "{product} logs me out every {few minutes|time I click}",
        "{search|filtering|sorting} is broken on the {orders|contacts} list",
    ],
    "feature_request": [
        "it would be {great|nice|helpful} if {product} could export to {Excel|PDF|CSV}",
        "please add {a dark mode|keyboard shortcuts|more themes}",
        "{could you|can you|will you} support {single sign on|SSO|SAML} on the {plan} plan",
        "we would {love|like} an API for the {reports|orders|contacts}",
        "any plans to add {calendar|Slack|Teams} integration",
        "feature request: bulk {edit|delete|export} for {contacts|orders}",
        "{suggestion|idea}: let us {schedule|share} reports",
    ],
    "shipping": [
        "{order} {has not arrived|is late|is still not here}",
        "the tracking number for {order} {does not work|shows nothing}",
        "the {package|parcel|box} was delivered to the wrong address",
        "can I change the delivery address for {order}",
        "the {package|parcel|box} arrived {damaged|opened|wet}",
        "when will {order} {ship|be dispatched}",
        "the courier {never came|left no note} {when}",
    ],
}
SUBJECTS = {
    "billing": ["invoice question", "wrong charge", "billing", "payment failed", "receipt"],
    "refund": ["refund", "refund request", "money back", "double charge", "refund not received"],
    "cancellation": ["cancel subscription", "cancellation", "close account", "stop renewal"],
    "login_access": ["can't log in", "login problem", "password reset", "locked out", "2FA"],
    "security": ["account hacked", "suspicious login", "phishing?", "unauthorized access"],
    "bug_report": ["bug", "error when saving", "app crashes", "broken page", "not working"],
    "feature_request": ["feature request", "suggestion", "idea", "would be nice", "request"],
    "shipping": ["where is my order", "delivery", "tracking", "damaged package", "late order"],
}
GENERIC_SUBJECTS = ["help", "urgent", "question", "problem", "issue with my account", "support"]
GREETINGS = ["hi", "hello", "hi team", "dear support", "hey", "good morning"]
FILLER = [
    "thanks in advance", "this is urgent", "I have been a customer for years",
    "please help", "I already wrote to you {when}", "nobody answered my last email",
    "my colleague has the same issue", "please get back to me soon", "not happy",
]  # fmt: skip
SIGNOFFS = ["thanks", "regards", "best", "cheers", "thank you", ""]
CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
SLOT = re.compile(r"\{(\w+)\}")


def _expand(rng: np.random.Generator, text: str) -> str:
    text = CHOICE.sub(lambda m: str(rng.choice(m.group(1).split("|"))), text)
    text = SLOT.sub(lambda m: str(rng.choice(SLOTS[m.group(1)])), text)
    text = text.replace("{n}", str(rng.integers(10000, 99999)))
    return text.replace("{d}", str(rng.integers(5, 300)))


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4 or rng.random() > TYPO_RATE:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :] if kind == 1 else word[:i] + word[i] + word[i:]


def _noisy(rng: np.random.Generator, text: str) -> str:
    text = " ".join(_typo(rng, w) for w in text.split())
    return text.lower() if rng.random() < 0.3 else text[0].upper() + text[1:]


def _subject(rng: np.random.Generator, queue: str) -> tuple[str, int]:
    """The subject, and 1 if it names the queue's issue (0 for a generic "help")."""
    named = int(rng.random() < 0.6)
    return _noisy(rng, str(rng.choice(SUBJECTS[queue] if named else GENERIC_SUBJECTS))), named


def _body(rng: np.random.Generator, queue: str) -> tuple[str, int, str]:
    """The body, its number of sentences on the main issue, its side remark's queue or ""."""
    own = TEMPLATES[queue]
    n_own = 2 if rng.random() < 0.3 else 1
    parts = [_expand(rng, str(t)) for t in rng.choice(own, size=n_own, replace=False)]
    other = ""
    if rng.random() < 0.4:  # a side remark that belongs to another queue
        other = str(rng.choice([q for q in TEMPLATES if q != queue]))
        parts.insert(
            int(rng.integers(0, len(parts) + 1)), _expand(rng, str(rng.choice(TEMPLATES[other])))
        )
    for _ in range(rng.integers(0, 3)):
        parts.append(_expand(rng, str(rng.choice(FILLER))))
    if rng.random() < 0.6:
        parts.insert(0, str(rng.choice(GREETINGS)))
    parts.append(str(rng.choice(SIGNOFFS)))
    return _noisy(rng, ". ".join(p for p in parts if p)), n_own, other


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(5000 + seed)
    names, shares = list(QUEUES), np.array(list(QUEUES.values()))
    labels = rng.choice(names, N_TRAIN + N_TEST, p=shares / shares.sum())
    subjects, named = zip(*(_subject(rng, q) for q in labels), strict=True)
    bodies, n_main, sides = zip(*(_body(rng, q) for q in labels), strict=True)
    ids = [f"TK{700000 + i}" for i in rng.permutation(len(labels))]
    df = pd.DataFrame({"ticket_id": ids, "subject": subjects, "body": bodies, "queue": labels,
                       "side_remark": sides, "subject_named": named,
                       "main_sentences": n_main})  # fmt: skip
    train, test = df.iloc[:N_TRAIN].copy(), df.iloc[N_TRAIN:]
    flip = rng.random(N_TRAIN) < 0.04  # triage mistakes in the historical labels
    train.loc[flip, "queue"] = rng.choice(names, int(flip.sum()))
    (public_dir / "data").mkdir()
    meta = ["side_remark", "subject_named", "main_sentences"]
    train.drop(columns=meta).to_csv(public_dir / "data" / "train.csv", index=False)
    test.drop(columns=["queue", *meta]).to_csv(public_dir / "data" / "test.csv", index=False)
    test[["ticket_id", "queue", *meta]].to_csv(hidden_dir / "test_labels.csv", index=False)
