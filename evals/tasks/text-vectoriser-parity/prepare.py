"""IT helpdesk tickets made from forms and canned texts, and a hidden batch of new wordings.

Each ticket comes from a *template*: a fixed run of sentence frames whose topic words are
chosen once per template (mostly from its queue's vocabulary, some from other queues), then
filled per ticket with a requester name, an office, a reference number and a date. So the
training data holds many near-duplicates: tickets of one template differ only in those
slots. The hidden batch is made from fresh templates (next quarter's forms), so a score
measured on rows whose template also sits in training is optimistic. A second, small
batch repeats some hidden rows in another order, to test that predictions do not depend
on what else is in the batch.
"""

from pathlib import Path

import numpy as np
import pandas as pd

TOPICS = {
    "network": [
        "wifi", "ethernet", "switch", "router", "dns", "bandwidth", "latency", "packet loss",
        "access point", "network cable", "ip address", "dhcp", "firewall", "connection drops",
        "lan port", "wireless signal", "network share", "proxy", "hotspot", "ping",
    ],
    "printing": [
        "printer", "toner", "paper jam", "print queue", "scanner", "cartridge", "paper tray",
        "duplex", "print driver", "copier", "spooler", "label printer", "ink", "print job",
        "fuser", "plotter", "scan to email", "printout", "badge release", "colour printing",
    ],
    "email": [
        "outlook", "mailbox", "inbox", "calendar invite", "shared mailbox", "attachment",
        "distribution list", "spam filter", "out of office", "email signature", "mail rule",
        "meeting request", "archive folder", "autocomplete", "bounce message", "webmail",
        "phishing email", "mailbox quota", "delegate access", "sent items",
    ],
    "account_access": [
        "password", "login", "mfa", "account lockout", "password reset", "authenticator app",
        "single sign-on", "permissions", "access rights", "security group", "username",
        "expired password", "sso token", "two factor code", "new starter account",
        "leaver account", "admin rights", "locked account", "login prompt", "verification code",
    ],
    "hardware": [
        "laptop", "monitor", "keyboard", "docking station", "battery", "mouse", "screen",
        "charger", "headset", "webcam", "usb port", "hard drive", "fan noise", "power button",
        "trackpad", "memory upgrade", "hdmi cable", "desk phone", "touchscreen", "blue screen",
    ],
    "software": [
        "excel", "installer", "licence", "update", "crm", "pdf reader", "plugin", "teams app",
        "java runtime", "software centre", "version upgrade", "crash on startup", "macro",
        "browser extension", "erp client", "sap gui", "zoom client", "database tool",
        "visual studio", "patch",
    ],
}  # fmt: skip
QUEUES = list(TOPICS)
QUEUE_SHARE = [0.24, 0.12, 0.2, 0.22, 0.12, 0.1]
# Frames: {t} is a topic word fixed per template; the other slots vary per ticket.
FRAMES = [
    "Hi, this is {name} from the {site} office.",
    "There is a problem with the {t} and the {t}.",
    "The {t} stopped working after the change on {date}.",
    "Please could someone check the {t} for me.",
    "Reference {num}.",
    "It started when I tried to use the {t}.",
    "I already restarted and the {t} is still an issue.",
    "My manager {name} asked me to raise this.",
    "Since {date} the {t} has been very unreliable.",
    "We are on floor {floor} of {site}.",
    "Several colleagues have the same {t} issue.",
    "Error shown: {t} failed, code {num}.",
    "Is there a known issue with the {t}?",
    "This is blocking work for the team in {site}.",
    "Urgent please, deadline today.",
    "Not urgent, whenever someone has time.",
    "I think it might be related to the {t}.",
    "Last time {name} fixed the {t} for us.",
    "Can you also look at the {t} while you are at it?",
    "Screenshot attached, ticket {num}.",
    "The {t} shows a warning every morning.",
    "Followed the guide on the intranet but the {t} did not help.",
]
NAMES = [
    "Alice Moreau", "Ben Okafor", "Chen Wei", "Dana Kowalski", "Elif Yilmaz", "Farid Haddad",
    "Grace Lindqvist", "Hugo Ferreira", "Ines Duarte", "Jonas Berg", "Kavya Nair", "Liam Walsh",
    "Maya Cohen", "Nikolai Petrov", "Olivia Brown", "Pablo Ruiz", "Quinn Taylor", "Rosa Marino",
    "Sam Patel", "Tariq Aziz", "Uma Singh", "Victor Hugo", "Wen Li", "Yusuf Demir", "Zoe Clarke",
]  # fmt: skip
SITES = ["Leeds", "Lyon", "Porto", "Krakow", "Austin", "Dublin", "Gdansk", "Utrecht", "Malmo"]
SIGNOFFS = ["Thanks", "Thanks, {name}", "Regards, {name}", "Cheers", "", "Many thanks"]
N_TRAIN_TEMPLATES, N_TEST_TEMPLATES = 400, 200
N_SMALL = 60
OFF_TOPIC = 0.2  # chance a topic slot takes another queue's word
BLANK_TEXTS = ["", "", "N/A", "   "]  # empty, blank, and a text pandas reads as missing
REBUILD_COLUMNS = ["queue", "ticket_id", "text"]  # the export train.py is rerun on


def _template(rng):
    queue = rng.choice(len(QUEUES), p=QUEUE_SHARE)
    n = int(rng.integers(3, 7))
    frames = [FRAMES[i] for i in rng.choice(len(FRAMES), n, replace=False)]
    if not any("{t}" in f for f in frames):
        frames.append(FRAMES[1])
    words = []
    for frame in frames:
        for _ in range(frame.count("{t}")):
            source = queue if rng.random() > OFF_TOPIC else rng.integers(len(QUEUES))
            pool = TOPICS[QUEUES[source]]
            words.append(pool[rng.integers(len(pool))])
    return queue, frames, words, int(rng.integers(len(SIGNOFFS)))


def _fill(rng, template):
    _queue, frames, words, signoff = template
    topics = iter(words)
    name = NAMES[rng.integers(len(NAMES))]
    slots = {
        "site": SITES[rng.integers(len(SITES))],
        "num": f"INC{rng.integers(100000, 999999)}",
        "date": f"{rng.integers(1, 29)}/{rng.integers(1, 13)}",
        "floor": str(rng.integers(1, 9)),
    }
    parts = []
    for frame in frames:
        text = frame
        while "{t}" in text:
            text = text.replace("{t}", next(topics), 1)
        other = NAMES[rng.integers(len(NAMES))]
        parts.append(text.replace("{name}", other, 1).format(**slots))
    parts.append(SIGNOFFS[signoff].format(name=name))
    return " ".join(p for p in parts if p)


def _tickets(rng, n_templates, mean_size):
    rows = []
    for template_id in range(n_templates):
        template = _template(rng)
        size = 1 + int(rng.poisson(mean_size - 1))
        for _ in range(size):
            rows.append((template_id, QUEUES[template[0]], _fill(rng, template)))
    frame = pd.DataFrame(rows, columns=["template", "queue", "text"])
    return frame.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)


def prepare(seed: int, public_dir: Path, hidden_dir: Path) -> None:
    rng = np.random.default_rng(18100 + seed)
    train = _tickets(rng, N_TRAIN_TEMPLATES, 6)
    test = _tickets(rng, N_TEST_TEMPLATES, 4)
    ids = rng.permutation(len(train) + len(test)) + 500000
    train.insert(0, "ticket_id", [f"T{i}" for i in ids[: len(train)]])
    test.insert(0, "ticket_id", [f"T{i}" for i in ids[len(train) :]])
    (public_dir / "data").mkdir()
    train[["ticket_id", "text", "queue"]].to_csv(public_dir / "data" / "train.csv", index=False)
    # Own generator for the blank tickets: the rest of the data stays as it was measured.
    blank_rng = np.random.default_rng(18300 + seed)
    blanks = _blank_tickets(first_id=500000 + len(ids))
    sample = test.iloc[:20][["ticket_id", "text"]]
    sample = pd.concat([sample, pd.DataFrame({"ticket_id": ["S20"], "text": [""]})])
    sample = sample.assign(ticket_id=[f"S{i}" for i in range(len(sample))])
    sample.to_csv(public_dir / "data" / "sample_batch.csv", index=False)
    sample.to_csv(hidden_dir / "decoy_sample_batch.csv", index=False)  # scrambled at serving
    test = test.iloc[20:]
    batch = _with_rows(test[["ticket_id", "text"]], blanks, blank_rng)
    batch.to_csv(hidden_dir / "batch.csv", index=False)
    test[["ticket_id", "queue", "template"]].to_csv(hidden_dir / "batch_labels.csv", index=False)
    # What data/train.csv holds on the serving machine: another export, queues shuffled
    # (the grader scrambles its texts too, differently for each serving run).
    decoy = train[["ticket_id", "text", "queue"]].assign(queue=rng.permutation(train["queue"]))
    decoy.to_csv(hidden_dir / "decoy_train.csv", index=False)
    small = test.iloc[rng.choice(len(test), N_SMALL, replace=False)]
    small = _with_rows(small[["text", "ticket_id"]], blanks, blank_rng)
    small.to_csv(hidden_dir / "small_batch.csv", index=False)
    _relabelled_export(rng, train, hidden_dir)
    _ticket_words(train["text"], hidden_dir / "ticket_words.txt")


def _blank_tickets(first_id):
    """Tickets whose text is empty, blank or "N/A" (which pandas reads as missing): the
    ticket says a text can be empty and every ticket still needs a row. Unlabelled, so
    they count in the row checks and batch independence, not in the macro-F1."""
    ids = [f"T{first_id + i}" for i in range(len(BLANK_TEXTS))]
    return pd.DataFrame({"ticket_id": ids, "text": BLANK_TEXTS})


def _with_rows(batch, blanks, rng):
    """batch with the blank tickets inserted at random places (its column order kept)."""
    rows = pd.concat([batch, blanks[list(batch.columns)]], ignore_index=True)
    return rows.iloc[rng.permutation(len(rows))]


def _ticket_words(texts, path: Path) -> None:
    """The lowercase words of the training tickets, one a line: the grader recognises a
    copy of their texts in the workspace by them."""
    words = texts.str.lower().str.findall(r"[a-z]+").explode().dropna().unique()
    path.write_text("\n".join(sorted(words)) + "\n")


def _relabelled_export(rng, train, hidden_dir: Path) -> None:
    """The training tickets with every queue renamed by a derangement of the six names:
    the export train.py is rerun on. A model fitted on it routes each ticket to the
    renamed queue of the shipped model's routing, and the shipped model (or anything not
    rebuilt from data/train.csv) to a queue that no longer fits. Training labels, not
    hidden ones: nothing here is a label of the graded batch."""
    order = rng.permutation(len(QUEUES))
    while np.any(order == np.arange(len(QUEUES))):  # redraw until no queue keeps its name
        order = rng.permutation(len(QUEUES))
    renamed = dict(zip(QUEUES, [QUEUES[i] for i in order], strict=True))
    export = train[["ticket_id", "text", "queue"]].assign(queue=train["queue"].map(renamed))
    # Every column in another place (the ticket: the next export has the same columns, not
    # necessarily in the same order): a train.py reading columns by position fits garbage.
    export[REBUILD_COLUMNS].to_csv(hidden_dir / "relabelled_train.csv", index=False)
    pd.Series(renamed, name="renamed").rename_axis("queue").to_csv(hidden_dir / "renamed.csv")
