"""The README's pictures of the programme: a congress day of ten rooms on facing pages,
and a day of 33 rooms printed per room behind its overview; drawn to docs/.

    python tools/programme_pictures.py

The conferences are generated (the same every time), so the pictures need no data
from outside the repository.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import pypdf
import pypdfium2
import yaml
from PIL import Image

import booklet

DOCS = Path(__file__).resolve().parent.parent / "docs"
WORDS = [
    "open",
    "data",
    "radio",
    "kernels",
    "lasers",
    "fuzzing",
    "democracy",
    "satellites",
    "privacy",
    "hardware",
    "routing",
    "keys",
    "voting",
    "mesh",
    "networks",
    "archives",
    "soldering",
    "fonts",
    "rockets",
]
TRACKS = ["Security", "Science", "Art & Culture", "Hardware", "Ethics", "Music", "Workshop"]
NAMES = ["Ada", "Bo", "Chen", "Dara", "Eli", "Femi", "Gert", "Hana", "Ivo", "Jun", "Kai"]


def clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def conference(rooms: int, until: int, seed: int) -> tuple[dict, list, list]:
    """A day of talks from 10:00 in every room, a run of lightning talks in room 2."""
    chance = random.Random(seed)
    speakers = [{"id": f"s{n}", "name": f"{chance.choice(NAMES)} {chance.choice(NAMES)}sen"}
                for n in range(40)]  # fmt: skip
    programme = []
    for room in range(rooms):
        time = 10 * 60 + chance.choice([0, 15, 30])
        while time < until:
            if room == 1 and 13 * 60 <= time < 14 * 60:
                for _ in range(8):
                    programme.append((room, time, 5))
                    time += 5
            length = chance.choice([30, 45, 60, 60, 90])
            programme.append((room, time, length))
            time += length + chance.choice([0, 15, 30])
    items = []
    for number, (room, start, length) in enumerate(programme):
        words = chance.randint(1 if length == 5 else 2, 6)
        title = " ".join(chance.choice(WORDS) for _ in range(words)).capitalize()
        items.append({
            "title": title, "speakers": [f"s{chance.randrange(40)}"],
            "abstract": f"{title}, and what it means for all of us.",
            "day": "2031-08-21", "start": clock(start), "end": clock(start + length),
            "room": f"Hall {room + 1}" if rooms <= 12 else f"Devroom {room + 1}",
            "track": TRACKS[(room + number // 3) % len(TRACKS)],
            **({"language": "de"} if number % 9 == 4 else {}),
        })  # fmt: skip
    settings = {"title": "Example Congress", "organiser": "Example", "language": "en",
                "date": "2031-08-21", "show": {"speaker_index": False,
                                               "affiliation_index": False}}  # fmt: skip
    return settings, speakers, items


def build(folder: Path, rooms: int, until: int) -> pypdf.PdfReader:
    settings, speakers, programme = conference(rooms, until, seed=rooms)
    content = folder / "content"
    content.mkdir(parents=True)
    for name, data in [("conference", settings), ("speakers", speakers),
                       ("programme", programme)]:  # fmt: skip
        (content / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return booklet.build(content, folder / "out").pdf_path


def pages(pdf: Path, numbers: list[int], target: Path) -> None:
    """Pages side by side, as a reader holds them."""
    document = pypdfium2.PdfDocument(pdf)
    images = [document[n - 1].render(scale=1.6).to_pil() for n in numbers]
    spread = Image.new("RGB", (sum(i.width for i in images), images[0].height), "white")
    for index, image in enumerate(images):
        spread.paste(image, (sum(i.width for i in images[:index]), 0))
    spread.save(target, optimize=True)


def programme_start(pdf: Path) -> int:
    reader = pypdf.PdfReader(pdf)
    for item in reader.outline:
        if not isinstance(item, list) and item.title == "Programme":
            return reader.get_destination_page_number(item) + 1
    sys.exit("no programme in the booklet")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        congress = build(Path(folder) / "ten", rooms=10, until=16 * 60)
        first = programme_start(congress) + 1  # after the overview, a left page
        pages(congress, [first, first + 1], DOCS / "programme-spread.png")
        large = build(Path(folder) / "large", rooms=33, until=13 * 60)
        start = programme_start(large)
        pages(large, [start, start + 1], DOCS / "programme-rooms.png")
    print(f"wrote {DOCS / 'programme-spread.png'} and {DOCS / 'programme-rooms.png'}")


if __name__ == "__main__":
    main()
