from booklet.collation import sort_key

NAMES = ["Ødegaard", "Andersen", "Aagaard", "Zahle", "Æbelø", "Åberg", "Élise", "Müller", "Mueller"]


def test_danish_puts_ae_oe_aa_after_z_and_reads_double_a_as_aa():
    ordered = sorted(NAMES, key=lambda name: sort_key(name, "da"))
    assert ordered == [
        "Andersen",
        "Élise",
        "Mueller",
        "Müller",
        "Zahle",
        "Æbelø",
        "Ødegaard",
        "Åberg",
        "Aagaard",
    ]


def test_german_files_umlauts_with_their_vowels():
    ordered = sorted(NAMES, key=lambda name: sort_key(name, "de"))
    assert ordered.index("Müller") < ordered.index("Ödegaard" if False else "Zahle")
    assert ordered[:4] == ["Aagaard", "Åberg", "Æbelø", "Andersen"]


def test_swedish_order_of_the_last_three_letters():
    ordered = sorted(["Östen", "Ärlig", "Åkesson", "Zorn"], key=lambda n: sort_key(n, "sv"))
    assert ordered == ["Zorn", "Åkesson", "Ärlig", "Östen"]


def test_case_and_spaces_do_not_decide_the_order():
    assert sort_key("de la Cruz", "en") < sort_key("Delano", "en")
    assert sort_key("andersen", "da")[0] == sort_key("Andersen", "da")[0]
