"""A synthetic conference of any size, the same every time, for benchmarks and tests.

    python benchmarks/conference_generator.py 500 /tmp/big500

Talks run over several days in four rooms, 45 minutes each, with lunch breaks; each has
one or two speakers and an abstract of 60 to 260 words; speakers give one to three talks.
With `--speakers N` (or `speakers=N`) there are exactly N speakers, shared out over the
talks in turn, so that each speaks at least once: 3,000 speakers over 1,000 talks are
three a talk.

    python benchmarks/conference_generator.py 1000 /tmp/speakers3000 --speakers 3000
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

import yaml

WORDS = [
    "offentlig",
    "innovation",
    "ledelse",
    "styring",
    "samarbejde",
    "kommune",
    "region",
    "borger",
    "data",
    "værdi",
    "effekt",
    "udvikling",
    "forskning",
    "sundhed",
    "mobilitet",
    "partnerskab",
    "erfaring",
    "løsning",
    "privat",
    "viden",
    "teknologi",
    "velfærd",
    "digitalisering",
    "kvalitet",
    "effektivitet",
    "organisation",
    "medarbejder",
    "politik",
    "strategi",
]
FIRST = [
    "Anne",
    "Bo",
    "Carl",
    "Dorte",
    "Erik",
    "Frida",
    "Gorm",
    "Hanne",
    "Ib",
    "Jette",
    "Karl",
    "Lise",
    "Mads",
    "Nina",
    "Ole",
    "Pia",
]
LAST = [
    "Andersen",
    "Bach",
    "Christensen",
    "Dahl",
    "Eriksen",
    "Frandsen",
    "Gram",
    "Holm",
    "Iversen",
    "Jensen",
    "Kjær",
    "Lund",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Petersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Ørsted",
    "Aagaard",
    "Æbelø",
    "Winther",
]
FIRST_DAY = datetime.date(2031, 5, 13)
ROOMS = ["Festsalen", "Sal A", "Sal B", "Mødelokale 1"]
SLOTS = ["9:00", "9:45", "10:30", "11:15", "13:00", "13:45", "14:30", "15:15", "16:00"]


def _sentence(chance: random.Random, words: int) -> str:
    return " ".join(chance.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(
    talks: int,
    folder: Path,
    seed: int = 2026,
    per_day: int | None = None,
    speakers: int | None = None,
) -> Path:
    chance = random.Random(seed)
    every_speaker_speaks = speakers
    speaker_count = speakers or max(2, talks * 2 // 3)
    speakers = []
    for number in range(speaker_count):
        name = f"{chance.choice(FIRST)} {chance.choice(LAST)}"
        speakers.append(
            {
                "id": f"speaker-{number}",
                "name": name,
                "role": chance.choice(["Professor", "Direktør", "Konsulent", "Forsker", "Leder"]),
                "affiliation": chance.choice(
                    ["Aarhus Universitet", "KL", "Region Nordjylland", "Odense Kommune", "DTU"]
                ),
            }
        )
    programme = []
    per_day = per_day or len(SLOTS) * len(ROOMS)
    for number in range(talks):
        day, slot_room = divmod(number, per_day)
        slot, room = divmod(slot_room, len(ROOMS))
        start = SLOTS[slot]
        hours, minutes = map(int, start.split(":"))
        end_minutes = hours * 60 + minutes + 40
        words = chance.choice([60, 90, 120, 180, 260])
        programme.append(
            {
                "id": f"talk-{number}",
                "title": f"{_sentence(chance, chance.randint(3, 9))[:-1]}",
                "speakers": [
                    f"speaker-{chance.randrange(speaker_count)}"
                    for _ in range(chance.choice([1, 1, 1, 2]))
                ],
                "abstract": "\n\n".join(
                    " ".join(_sentence(chance, 12) for _ in range(words // 24)) for _ in range(2)
                ),
                "day": (FIRST_DAY + datetime.timedelta(days=day)).isoformat(),
                "start": start,
                "end": f"{end_minutes // 60}:{end_minutes % 60:02d}",
                "room": ROOMS[room],
                "track": chance.choice(["Ledelse", "Data", "Sundhed", "Byer"]),
            }
        )
    if every_speaker_speaks:  # speaker k in talk k, k + talks, k + 2 * talks ...
        for number, item in enumerate(programme):
            item["speakers"] = [f"speaker-{k}" for k in range(number, speaker_count, talks)]
    for item in programme:
        item["speakers"] = sorted(set(item["speakers"]))
    used = {speaker for item in programme for speaker in item["speakers"]}
    speakers = [speaker for speaker in speakers if speaker["id"] in used]
    days = sorted({item["day"] for item in programme})
    conference = {
        "title": f"Konference med {talks} oplæg",
        "organiser": "Benchmark",
        "language": "da",
        "date": days[0],
        "end_date": days[-1],
        "venue": "Aarhus Rådhus",
        "welcome": _sentence(chance, 80),
        "rooms": ROOMS,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in [
        ("conference", conference),
        ("speakers", speakers),
        ("programme", programme),
    ]:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    arguments = sys.argv[1:]
    speakers_wanted = None
    if "--speakers" in arguments:
        at = arguments.index("--speakers")
        speakers_wanted = int(arguments[at + 1])
        del arguments[at : at + 2]
    generate(int(arguments[0]), Path(arguments[1]), speakers=speakers_wanted)
