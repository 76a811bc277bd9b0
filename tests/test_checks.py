from booklet.checks import day_minutes, minutes, span


def test_clock_times_as_written():
    assert minutes("9:30") == minutes("09:30") == minutes("9.30") == 570


def test_the_night_belongs_to_the_day_before():
    assert day_minutes("23:30") < day_minutes("0:30") < day_minutes("5:59")
    assert day_minutes("6:00") < day_minutes("23:30")


def test_an_item_may_run_past_midnight_but_not_end_before_it_starts():
    assert span("23:30", "1:15") == (1410, 1515)
    assert span("9:00", "21:00") == (540, 1260)
    for start, end in [("9:00", "8:00"), ("10:00", "10:00"), ("10:00", "3:00"), ("2:00", "1:00")]:
        assert span(start, end) is None, (start, end)
